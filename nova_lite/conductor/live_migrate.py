"""The conductor's part of a live migration (RPC API 1.12,
``conductor.rpcapi_live_migrate``; doc/migrations-servers.md).

Steps and claims (``nova_lite.db.resize``; Nova's LiveMigrationTask):

* the API records the migration (type 'live-migration', status
  'accepted', the server's flavor twice) with task_state ``migrating``
  and calls (before microversion 2.34) or casts ``live_migrate_instance``;
* the destination is claimed for the **migration's uuid** before
  anything moves: by the scheduler (never the source; only the named
  ``host`` when given, checked by the filters; only a host of the
  source's CloudStack cluster unless it is a block migration,
  ``stay_in_cluster``), or, for a forced
  migration (2.30-2.67), by a direct capacity claim on the named host;
* the destination compute checks it can take the guest
  (``check_can_live_migrate_destination``: CPU, memory, storage;
  ``block_migration`` 'auto' is True without shared storage); a failure
  there drops the claim and, when the scheduler chose the host, tries
  another one (``[compute] live_migration_retry_count`` times);
* the migration becomes 'queued' with its destination and the source
  compute is cast ``live_migration``;
* the computes then report through ``live_migration_update`` (status,
  progress), ``live_migration_finished`` (in one transaction the source
  claim released and the destination claim handed to the instance,
  host/node the destination, migration 'completed') or
  ``live_migration_rollback`` (destination claim dropped, the server
  ACTIVE on its source, migration 'error'/'failed' with a fault, or
  'cancelled' after an abort).

A check that fails leaves the server as it was (task cleared), the
migration 'error' and the ``conductor_live_migrate_instance`` action
event 'Error'; before 2.34 the API answers it as a 400.
"""
from oslo_config import cfg
from oslo_log import log as logging
from oslo_serialization import jsonutils
import oslo_messaging as messaging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite.conductor import resize
from nova_lite.db import claims as claim_db
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import instances as instance_db
from nova_lite.db import resize as resize_db
from nova_lite.db import topology as topology_db
from nova_lite import exception
from nova_lite.scheduler import request as scheduler_request

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
SCHEDULE_EVENT = 'conductor_live_migrate_instance'
#: Statuses the computes may move a live migration through, by target.
_NEXT = {'preparing': ('queued',), 'running': ('preparing',),
         'post-migrating': ('running',)}
#: Progress columns a compute may write (bytes).
PROGRESS = ('memory_total', 'memory_processed', 'memory_remaining',
            'disk_total', 'disk_processed', 'disk_remaining')


def _event(start, result, details=None):
    return {'name': SCHEDULE_EVENT, 'result': result,
            'start': compute_utils.isotime(start), 'details': details,
            'finish_action': result != 'Success'}


def live_spec(instance, flavor, host, tried, cluster=None):
    """The RequestSpec of a live migration of ``instance`` (a row):
    never the source nor a host in ``tried``; only ``host`` when
    given; only hosts of ``cluster`` (a cluster uuid, from
    ``stay_in_cluster``) when given."""
    spec = resize.request_spec(instance, flavor)
    spec.ignore_hosts = sorted({instance.host, *tried})
    spec.requested_host = host
    if cluster is not None:
        spec.scheduler_hints = {scheduler_request.CLUSTER_HINT: [cluster]}
    return spec


def stay_in_cluster(context, source_host, block_migration):
    """The cluster (uuid) a live migration from ``source_host`` must stay
    in, or None: a migration that is not a block migration
    (``block_migration`` False or 'auto') needs the storage its source
    shares with the hosts of its CloudStack cluster (doc/cloudstack.md,
    "Zones, pods, clusters, hosts"); a block migration, or one from a
    host in no cluster, may go anywhere. One SELECT."""
    if block_migration is True:
        return None
    cluster = topology_db.host_clusters(context).get(source_host)
    return cluster['uuid'] if cluster else None


def check_failed(context, instance_uuid, migration_uuid, message, event):
    """A check failed before anything moved: the server keeps its state
    (task cleared), the migration is 'error'; True when it matched."""
    resize_db.drop_claim(context, migration_uuid)
    resize_db.migration_update(context, migration_uuid, {'status': 'error'},
                               expected_status=resize_db.LIVE_OPEN)
    matched = resize.update_if(context, instance_uuid, {'task_state': None},
                               expected_task_state=states.MIGRATING)
    resize.record_event(context, instance_uuid, None, event)
    LOG.warning('Live migration of %s refused: %s', instance_uuid, message)
    return matched


def live_migration_update(context, migration_uuid, values,
                          expected_status=None):
    """Write a compute's report: a status (``_NEXT``) with its final
    progress, or progress alone (``PROGRESS`` keys, bytes: written only
    while 'running' and never backwards, as casts may arrive out of
    order); True when it matched."""
    allowed = {k: int(v) for k, v in values.items()
               if k in PROGRESS and v is not None}
    if 'status' not in values:
        return resize_db.migration_progress(context, migration_uuid,
                                            allowed)
    allowed['status'] = values['status']
    if expected_status is None:
        expected_status = _NEXT.get(values['status'])
    return resize_db.migration_update(context, migration_uuid, allowed,
                                      expected_status=expected_status)


def live_migration_finished(context, instance_uuid, migration_uuid, host,
                            node, power_state, event):
    """The guest runs on ``host``: see the module doc."""
    if not resize.update_if(context, instance_uuid, {
            'host': host, 'node': node, 'task_state': None,
            'power_state': power_state},
            expected_task_state=states.MIGRATING):
        resize_db.drop_claim(context, migration_uuid)
        return False
    resize_db.confirm_claims(context, instance_uuid, migration_uuid)
    resize_db.migration_update(context, migration_uuid,
                               {'status': 'completed'})
    resize.record_event(context, instance_uuid, host, event)
    LOG.info('Live-migrated %s to %s', instance_uuid, host)
    return True


def live_migration_rollback(context, instance_uuid, migration_uuid, status,
                            message, host, event, vm_state=None):
    """The guest stays on its source: see the module doc (``vm_state``:
    ERROR when the sweeper cannot tell where the guest is;
    ``migration_uuid`` None: the instance's open live migration, as a
    restarted source compute knows only the instance). With
    ``migration_uuid`` None a 'post-migrating' migration is not rolled
    back (the guest may have moved: the sweeper decides); False then."""
    if migration_uuid is None:
        found = resize_db.open_live_migration(context, instance_uuid)
        if found is not None and found['status'] == 'post-migrating':
            return False
        migration_uuid = found['uuid'] if found else None
    values = {'task_state': None}
    if vm_state is not None:
        values['vm_state'] = vm_state
    fault = None if message is None else {
        'code': 500, 'message': message[:255], 'host': host,
        'details': None}
    matched = resize.update_if(context, instance_uuid, values, fault=fault,
                               expected_task_state=states.MIGRATING)
    if migration_uuid is not None:
        resize_db.drop_claim(context, migration_uuid)
        resize_db.migration_update(context, migration_uuid,
                                   {'status': status},
                                   expected_status=resize_db.LIVE_OPEN)
    if matched:
        resize.record_event(context, instance_uuid, host, event)
    LOG.warning('Live migration of %s rolled back (%s): %s', instance_uuid,
                status, message)
    return matched


class LiveMigrateFlow:
    """Claims and checks the destination; ``scheduler`` and ``compute``
    are RPC clients."""

    def __init__(self, scheduler_rpcapi, compute_rpcapi):
        self.scheduler = scheduler_rpcapi
        self.compute = compute_rpcapi

    def live_migrate_instance(self, context, instance_uuid, migration_uuid,
                              host=None, block_migration='auto',
                              force=False):
        """See the module doc.

        :returns: the destination host, or None when there is nothing to
            do (the instance or migration is gone or moved on)
        :raises: NoValidHost, MigrationPreCheckError (after recording
            the failure)
        """
        start = compute_utils.utcnow()
        try:
            row = instance_db.instance_get(context, instance_uuid)
            migration = resize_db.migration_get(context, migration_uuid)
        except (exception.InstanceNotFound, exception.MigrationNotFound):
            return None
        if row.task_state != states.MIGRATING or \
                migration['status'] != 'accepted':
            return None
        flavor = jsonutils.loads(migration['new_flavor'])
        try:
            dest, node, data = self._destination(
                context, row, flavor, migration_uuid, host, force,
                block_migration)
        except (exception.NoValidHost, exception.MigrationPreCheckError,
                messaging.MessagingTimeout) as exc:
            message = exc.format_message() if isinstance(
                exc, exception.NovaLiteException) else \
                'Timed out waiting for the destination\'s checks'
            check_failed(context, instance_uuid, migration_uuid, message,
                         _event(start, 'Error', message))
            if isinstance(exc, messaging.MessagingTimeout):
                raise exception.MigrationPreCheckError(reason=message) \
                    from exc
            raise
        resize_db.migration_update(context, migration_uuid, {
            'status': 'queued', 'dest_compute': dest, 'dest_node': node,
            'dest_host': dest}, expected_status='accepted')
        resize.record_event(context, instance_uuid, None,
                            dict(_event(start, 'Success'),
                                 finish_action=False))
        self.compute.live_migration(context, row.host, instance_uuid,
                                    migration_uuid, data)
        return dest

    def _destination(self, context, row, flavor, migration_uuid, host,
                     force, block_migration):
        """(host, node, migrate_data) of a claimed and checked
        destination; see the module doc for the retries."""
        tried, refused = [], None
        cluster = None if host is not None else stay_in_cluster(
            context, row.host, block_migration)
        while True:
            try:
                dest, node = self._claim(context, row, flavor,
                                         migration_uuid, host, force, tried,
                                         cluster)
            except exception.NoValidHost:
                if refused is not None:
                    raise refused from None
                raise
            try:
                data = self.compute.check_can_live_migrate_destination(
                    context, dest, row.uuid, block_migration, row.host)
                return dest, node, data
            except (exception.MigrationPreCheckError,
                    messaging.MessagingTimeout) as exc:
                resize_db.drop_claim(context, migration_uuid)
                tried.append(dest)
                refused = exc
                if host is not None or \
                        len(tried) > CONF.compute.live_migration_retry_count:
                    raise
                LOG.info('Live migration of %s: %s refused (%s); trying '
                         'another host', row.uuid, dest, exc)

    def _claim(self, context, row, flavor, migration_uuid, host, force,
               tried, cluster=None):
        if force and host is not None:
            return _forced_claim(context, row, flavor, migration_uuid,
                                 host)
        spec = live_spec(row, flavor, host, tried, cluster)
        (selection, *_rest), = self.scheduler.select_destinations(
            context, spec, [migration_uuid], return_alternates=False)
        return selection.service_host, selection.nodename


def _forced_claim(context, row, flavor, migration_uuid, host):
    """A forced live migration (microversions 2.30-2.67): no filters,
    but the claim still needs the room on ``host``'s node.

    :raises: NoValidHost
    """
    nodes = node_db.compute_node_get_all(context, host=host)
    disk = flavor.get('root_gb', 0) + flavor.get('ephemeral_gb', 0)
    for node in nodes:
        if claim_db.claim(context, node['id'], migration_uuid,
                          flavor['vcpus'], flavor['memory_mb'], disk):
            return host, node['hypervisor_hostname']
    raise exception.NoValidHost(
        reason='The forced destination %s has no room for the server.'
        % host)


class LiveMigrateEndpoint:
    """The conductor's live migration methods (mixed into
    ``ConductorManager``; uses its ``build_flow``'s clients)."""

    @messaging.expected_exceptions(exception.NoValidHost,
                                   exception.MigrationPreCheckError)
    def live_migrate_instance(self, context, instance_uuid, migration_uuid,
                              host=None, block_migration='auto',
                              force=False):
        return LiveMigrateFlow(
            self.build_flow.scheduler, self.build_flow.compute
        ).live_migrate_instance(context, instance_uuid, migration_uuid,
                                host, block_migration, force)

    def live_migration_update(self, context, migration_uuid, values,
                              expected_status=None):
        return live_migration_update(context, migration_uuid, values,
                                     expected_status)

    def live_migration_finished(self, context, **kwargs):
        return live_migration_finished(context, **kwargs)

    def live_migration_rollback(self, context, **kwargs):
        return live_migration_rollback(context, **kwargs)
