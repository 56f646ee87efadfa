"""``GET /v2.1/servers/{id}/migrations`` and ``.../migrations/{id}``:
the in-progress live migrations of a server (compute API reference,
"Server migrations (servers, migrations)", from microversion 2.23;
admins only by default, rules ``os_compute_api:servers:migrations:index``
and ``:show``).

An unknown server is a 404 (before the policy check, as Nova); so is a
migration that is unknown, of another server, not a live migration or
not in progress.  nova_lite performs no live migration yet: the list is
empty and every migration id a 404 until live migration exists.
Forcing (2.22) and aborting (2.24) a live migration do not exist.
"""
import flask

from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import migrations as views
from nova_lite.compute import migrations as migration_api
from nova_lite import policy
from nova_lite.policies import migrations as migration_policies

bp = flask.Blueprint('server_migrations', __name__,
                     url_prefix='/v2.1/servers/<server_id>/migrations')
SERVER_MIGRATIONS = migration_policies.SERVER_MIGRATIONS


def _authorized(server_id, action):
    context = openstack.context()
    instance = openstack.compute_api().get(context, server_id)
    policy.authorize(context, SERVER_MIGRATIONS % action,
                     {'project_id': instance.project_id,
                      'user_id': context.user_id})
    return context


@bp.get('')
def index(server_id):
    """200 ``{"migrations": [...]}``: in-progress live migrations."""
    context = _authorized(server_id, 'index')
    return {'migrations': [
        views.server_migration(row) for row in
        migration_api.in_progress_live_migrations(context, server_id)]}


@bp.get('/<migration_id>')
def show(server_id, migration_id):
    """200 ``{"migration": {...}}``; 404 unless it is an in-progress live
    migration of the server."""
    context = _authorized(server_id, 'show')
    return {'migration': views.server_migration(
        migration_api.in_progress_live_migration(context, server_id,
                                                 migration_id))}
