"""Server moves of the compute API: the ``migrate`` action (compute API
reference, "Migrate Server (migrate Action)"; the ``host`` parameter
from microversion 2.56) and the ``evacuate`` action ("Evacuate Server
(evacuate Action)").

``MigrateActions`` is mixed into ``nova_lite.compute.api.API`` (it uses
the helpers of ``api_resize.ResizeActions``). A cold migration is a
resize to the same flavor on another host: recorded here (a
``migrations`` row of type 'migration', status 'pre-migrating', both
flavors the server's; task_state resize_prep; action 'migrate'), then
the conductor's ``migrate_server`` call claims the destination
(``nova_lite.conductor.migrate``) and the computes run the resize steps.
It ends in VERIFY_RESIZE, confirmed or reverted as a resize. The quota
is unchanged (same flavor).

An evacuation rebuilds a server whose compute service is down on
another host: recorded here (type 'evacuation', status 'accepted';
task_state rebuilding; action 'evacuate') and cast to the conductor
(``nova_lite.conductor.evacuate``). doc/migrations-servers.md has the
rules of both.
"""
from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova_lite.compute import api_resize
from nova_lite.compute import states
from nova_lite.compute import update_events
from nova_lite.db import actions as action_db
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import instances as instance_db
from nova_lite.db import migrations_records as migration_db
from nova_lite.db import resize as resize_db
from nova_lite.db import services as service_db
from nova_lite import exception

LOG = logging.getLogger(__name__)


#: vm_states an evacuation starts from (Nova's evacuate).
EVACUABLE = (states.ACTIVE, states.STOPPED, states.ERROR)


def _moved_flavor(context, instance):
    """(flavors.id, flavor JSON) of a move that keeps the flavor."""
    flavor = api_resize.instance_flavor(instance)
    return (api_resize.flavor_db_id(context, flavor['flavorid']),
            jsonutils.dumps(flavor))


class MigrateActions:
    """The ``migrate`` and ``evacuate`` server actions (mixed into the
    compute API)."""

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
        self._set_task(context, instance, 'migrate', states.RESIZE_PREP,
                       api_resize.RESIZABLE, None)
        migration = self._move_record(context, instance,
                                      resize_db.MIGRATION, 'pre-migrating')
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

    @staticmethod
    def _move_record(context, instance, migration_type, status,
                     dest=None):
        """The migrations row of a move keeping the flavor."""
        type_id, flavor = _moved_flavor(context, instance)
        return migration_db.migration_create(context, {
            'instance_uuid': instance.uuid,
            'migration_type': migration_type, 'status': status,
            'source_compute': instance.host, 'source_node': instance.node,
            'dest_compute': dest, 'old_instance_type_id': type_id,
            'new_instance_type_id': type_id, 'old_flavor': flavor,
            'new_flavor': flavor, 'user_id': context.user_id,
            'project_id': context.project_id})

    def evacuate(self, context, instance_uuid, host=None,
                 admin_password=None, on_shared_storage=False, force=False,
                 target_state=None):
        """Rebuild a server whose compute service is down on another host
        (``host``: the named one, checked by the scheduler even when
        ``force``d; else the scheduler's choice); ``target_state``
        'stopped' (microversion 2.95) leaves it powered off.

        :returns: the migration dict
        :raises: InstanceNotFound (404), ComputeHostNotFound (404: an
            unknown ``host``), InstanceIsLocked, InstanceInvalidState
            (409: not ACTIVE/STOPPED/ERROR on a host, or a task in
            progress), Invalid (400: the source compute is up, ``host`` is
            the server's own, ``force`` without ``host``, shared storage)
        """
        instance = self.get(context, instance_uuid)
        self._check_resizable(context, instance, 'evacuate', EVACUABLE)
        self._check_evacuation(context, instance, host, on_shared_storage,
                               force)
        self._set_task(context, instance, 'evacuate', states.REBUILDING,
                       EVACUABLE, None)
        if admin_password is not None:
            instance_db.instance_update(context, instance_uuid,
                                        {'admin_pass': admin_password})
        migration = self._move_record(context, instance,
                                      resize_db.EVACUATION, 'accepted', host)
        action_db.action_start(context, instance_uuid, 'evacuate')
        update_events.server_changed(context, instance,
                                     task_state=states.REBUILDING)
        self.conductor.evacuate_server(context, instance_uuid,
                                       migration['uuid'], host=host,
                                       target_state=target_state)
        LOG.info('Evacuation of %s from %s accepted (migration %s)',
                 instance_uuid, instance.host, migration['uuid'])
        return migration

    @staticmethod
    def _check_evacuation(context, instance, host, on_shared_storage,
                          force):
        """Nova's evacuate checks (compute API reference's error codes).

        :raises: Invalid (400), ComputeHostNotFound (404)
        """
        if on_shared_storage:
            raise exception.Invalid(
                reason='nova_lite has no shared instance storage: '
                       'onSharedStorage must be false.')
        if force and host is None:
            raise exception.Invalid(
                reason='Cannot force an evacuation without a host.')
        if service_db.compute_hosts_up(context.elevated(), [instance.host]):
            raise exception.Invalid(
                reason='Compute service of %s is still in use.'
                % instance.host)
        if host is None:
            return
        if host == instance.host:
            raise exception.Invalid(
                reason='The target host %s is the server\'s own host.'
                % host)
        if not node_db.compute_node_get_all(context.elevated(), host=host):
            raise exception.ComputeHostNotFound(host=host[:255])
