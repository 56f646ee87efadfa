"""``/v2.1/servers/{id}/migrations``: the in-progress live migrations of
a server (compute API reference, "Server migrations (servers,
migrations)"; admins only by default, rules
``os_compute_api:servers:migrations:index``, ``:show``,
``:force_complete`` and ``:delete``):

* ``GET ...`` and ``GET .../{migration_id}`` (2.23): 200 with the
  progress in bytes (``memory_*_bytes``, ``disk_*_bytes``);
* ``POST .../{migration_id}/action`` ``{"force_complete": null}``
  (2.22): 202; 409 unless the migration is 'running';
* ``DELETE .../{migration_id}`` (2.24): abort, 202; 409 unless it is
  'running' (from 2.65 also 'queued' or 'preparing').

An unknown server is a 404 (before the policy check, as Nova); so is a
migration that is unknown, of another server, not a live migration or
not in progress. The work is ``nova_lite.compute.api_live_migrate``'s
(doc/migrations-servers.md).
"""
import flask

from nova_lite.api import microversion
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


@bp.post('/<migration_id>/action')
def action(server_id, migration_id):
    """202, no body: force the running live migration to complete."""
    context = _authorized(server_id, 'force_complete')
    openstack.compute_api().live_migrate_force_complete(
        context, server_id, migration_id)
    return '', 202


@bp.delete('/<migration_id>')
def delete(server_id, migration_id):
    """202, no body: abort the live migration (rolled back, status
    'cancelled')."""
    context = _authorized(server_id, 'delete')
    openstack.compute_api().live_migrate_abort(
        context, server_id, migration_id,
        early=microversion.at_least('2.65'))
    return '', 202
