"""Cold migration of the compute API: the ``migrate`` action (compute API
reference, "Migrate Server (migrate Action)"; the ``host`` parameter
from microversion 2.56).

``MigrateActions`` is mixed into ``nova_lite.compute.api.API`` (it uses
the helpers of ``api_resize.ResizeActions``). A cold migration is a
resize to the same flavor on another host: recorded here (a
``migrations`` row of type 'migration', status 'pre-migrating', both
flavors the server's; task_state resize_prep; action 'migrate'), then
the conductor's ``migrate_server`` call claims the destination
(``nova_lite.conductor.migrate``) and the computes run the resize steps.
It ends in VERIFY_RESIZE, confirmed or reverted as a resize. The quota
is unchanged (same flavor). doc/migrations-servers.md has the rules.
"""
from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova_lite.compute import api_resize
from nova_lite.compute import states
from nova_lite.compute import update_events
from nova_lite.db import actions as action_db
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import migrations_records as migration_db
from nova_lite.db import resize as resize_db
from nova_lite import exception

LOG = logging.getLogger(__name__)


class MigrateActions:
    """The ``migrate`` server action (mixed into the compute API)."""

    def migrate(self, context, instance_uuid, host=None):
        """Cold-migrate a server to another host (``host``: the named
        one, microversion 2.56; else the scheduler's choice).

        :returns: the migration dict
        :raises: InstanceNotFound (404), InstanceIsLocked,
            InstanceInvalidState (409: not ACTIVE/STOPPED on a host, or a
            task in progress), Invalid (400: ``host`` unknown or the
            server's own host, or no valid host found)
        """
        instance = self.get(context, instance_uuid)
        self._check_resizable(context, instance, 'migrate',
                              api_resize.RESIZABLE)
        if host is not None:
            self._check_migrate_host(context, instance, host)
        flavor = api_resize.instance_flavor(instance)
        self._set_task(context, instance, 'migrate', states.RESIZE_PREP,
                       api_resize.RESIZABLE, None)
        migration = migration_db.migration_create(context, {
            'instance_uuid': instance_uuid,
            'migration_type': resize_db.MIGRATION,
            'status': 'pre-migrating', 'source_compute': instance.host,
            'source_node': instance.node,
            'old_instance_type_id': api_resize.flavor_db_id(
                context, flavor['flavorid']),
            'new_instance_type_id': api_resize.flavor_db_id(
                context, flavor['flavorid']),
            'old_flavor': jsonutils.dumps(flavor),
            'new_flavor': jsonutils.dumps(flavor),
            'user_id': context.user_id, 'project_id': context.project_id})
        action_db.action_start(context, instance_uuid, 'migrate')
        update_events.server_changed(context, instance,
                                     task_state=states.RESIZE_PREP)
        try:
            dest = self.conductor.migrate_server(
                context, instance_uuid, migration['uuid'], host=host)
        except exception.NoValidHost as exc:
            raise exception.Invalid(reason=exc.format_message()) from exc
        LOG.info('Cold migration of %s from %s to %s accepted (migration '
                 '%s)', instance_uuid, instance.host, dest,
                 migration['uuid'])
        return migration

    @staticmethod
    def _check_migrate_host(context, instance, host):
        """The named destination must be another existing compute host
        (the scheduler then checks it can take the server).

        :raises: Invalid (400)
        """
        if host == instance.host:
            raise exception.Invalid(
                reason='The target host %s is the server\'s own host: a '
                       'cold migration needs another host.' % host)
        if not node_db.compute_node_get_all(context.elevated(), host=host):
            raise exception.Invalid(
                reason='Compute host %s could not be found.' % host)
