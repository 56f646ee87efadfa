"""The database work of computes, done by the conductor on their behalf.

Computes have no database access (as Nova's nova-compute since the
conductor took it over): every read and write of their build, power,
recovery and resource-tracker flows and of their service heartbeat is one
of these functions, reached through the conductor's RPC API
(``conductor.rpcapi``, methods of version 1.1). They run exactly the
statements the compute ran before, conditional writes included: a write
whose expected states no longer hold changes nothing and says so.

Arguments and results cross RPC: instances are ``objects.Instance``,
NICs ``objects.VIF``, times ISO 8601 text of naive UTC
(``compute_utils.isotime``), memory MiB and disk GiB.
"""
from oslo_concurrency import lockutils
from oslo_log import log as logging

from nova_lite import availability_zones
from nova_lite.compute import states
from nova_lite.compute import usage_audit
from nova_lite.compute import utils as compute_utils
from nova_lite.conductor import instance_state
from nova_lite.db import actions as action_db
from nova_lite.db import aggregates as aggregate_db
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import instance_faults as fault_db
from nova_lite.db import instances as instance_db
from nova_lite.db import reclaim as reclaim_db
from nova_lite.db import services as service_db
from nova_lite.db import topology as topology_db
from nova_lite.db import usage as usage_db
from nova_lite import exception
from nova_lite.metadata import lookup as metadata_lookup
from nova_lite import metrics
from nova_lite.network import api as network_api
from nova_lite.network import interfaces as network_interfaces
from nova_lite.network import port_security as port_security_mod
from nova_lite.objects import instance as instance_obj
from nova_lite.volume import server_volumes

LOG = logging.getLogger(__name__)

#: Keys of an ``expected`` dict → keyword of ``instance_db.instance_update``.
_EXPECTED = {'task_state': 'expected_task_state',
             'vm_state': 'expected_vm_state',
             'host': 'expected_host'}


def _expected(expected):
    """instance_update keywords of ``expected`` ({'task_state': X, ...};
    a key left out is not checked).

    :raises: ValueError for an unknown key
    """
    unknown = set(expected or {}) - set(_EXPECTED)
    if unknown:
        raise ValueError('unknown expected states %s' % sorted(unknown))
    return {_EXPECTED[k]: v for k, v in (expected or {}).items()}


def _update_if(context, instance_uuid, values, expected, fault=None):
    """Conditional write; True when it matched (see module doc)."""
    try:
        instance_db.instance_update(context, instance_uuid, values,
                                    fault=fault, **_expected(expected))
        return True
    except (exception.InstanceNotFound,
            exception.UnexpectedTaskStateError) as exc:
        LOG.info('Not updating %s: %s', instance_uuid, exc)
        return False


def _event(context, instance_uuid, host, event):
    """Record ``event`` (dict name, result, start (isotime), details,
    finish_action) as an instance action event of ``host``."""
    action_db.action_event_record(
        context, instance_uuid, event['name'], event['result'], host,
        compute_utils.parse_isotime(event.get('start')),
        details=event.get('details'),
        finish_action=event.get('finish_action', False))


def record_event(context, instance_uuid, host, event):
    """Record ``event`` (as ``_event``) for the other proxies."""
    _event(context, instance_uuid, host, event)


# -------------------------------------------------------------- services

def service_register(context, host, binary, topic):
    """Create or revive the services row; its dict (``id`` among it)."""
    return service_db.service_register(context, host, binary, topic)


def service_heartbeat(context, service_id, host, binary, topic):
    """Heartbeat of a service; registers it again when its row is gone
    (deleted by an operator while it ran)."""
    if not service_db.service_heartbeat(context, service_id):
        service_db.service_register(context, host, binary, topic)


def service_heartbeats(context, services):
    """The heartbeats of ``services`` (``[service_id, host, binary,
    topic]`` each) in one UPDATE; a row deleted meanwhile is registered
    again."""
    gone = service_db.service_heartbeats(
        context, [service[0] for service in services])
    for service_id, host, binary, topic in services:
        if service_id in gone:
            service_db.service_register(context, host, binary, topic)


def compute_node_report(context, host, nodename, resources, ratios,
                        reserved_memory_mb, reserved_disk_gb):
    """See ``db.compute_nodes.compute_node_report``; returns nothing.
    ``resources['cluster']`` (the compute's ``[DEFAULT] cluster``, when
    set) puts a host in no cluster into that cluster of its zone
    (``db.topology.host_join_configured_cluster``)."""
    resources = dict(resources)
    cluster = resources.pop('cluster', None)
    node = node_db.compute_node_report(
        context, host, nodename, resources, ratios, reserved_memory_mb,
        reserved_disk_gb)
    if cluster:
        join_cluster(context, host, cluster, node['hypervisor_type'])


def join_cluster(context, host, cluster, hypervisor_type):
    """Put ``host`` (in no cluster) into the cluster called ``cluster``
    of its zone (``db.topology.host_join_configured_cluster``)."""
    zone = availability_zones.host_zone(host, aggregate_db.host_zones(context))
    topology_db.host_join_configured_cluster(context, host, zone, cluster,
                                             hypervisor_type)


# ------------------------------------------------------------- instances

def instance_get(context, instance_uuid, with_network=False,
                 read_deleted=False):
    """The instance (``Instance``; with ``read_deleted`` also a deleted
    one, whose ``vm_state`` is 'deleted') or None when there is none;
    with ``with_network`` a dict {'instance': Instance, 'network_info':
    [VIF]} instead."""
    ctxt = context.elevated()
    if read_deleted:
        ctxt.read_deleted = 'yes'
    try:
        instance = instance_obj.Instance.from_db(
            instance_db.instance_get(ctxt, instance_uuid))
    except exception.InstanceNotFound:
        return None
    if not with_network:
        return instance
    return {'instance': instance,
            'network_info': network_api.get_instance_nw_info(
                context, instance_uuid)}


def instance_states_get(context, instance_uuid):
    """uuid, host, vm_state, task_state and power_state of a live
    instance as a partial ``Instance`` (one statement), or None."""
    try:
        row = instance_db.instance_states_get(context, instance_uuid)
    except exception.InstanceNotFound:
        return None
    return instance_obj.Instance(
        uuid=row.uuid, host=row.host, vm_state=row.vm_state,
        task_state=row.task_state, power_state=row.power_state)


def instances_on_host(context, host):
    """[Instance] of the live instances of ``host``."""
    return [instance_obj.Instance.from_db(row)
            for row in instance_db.instances_on_host(context, host)]


def instance_update(context, instance_uuid, values, expected=None,
                    host=None, event=None):
    """Conditional write of ``values`` (JSON-safe columns); True when
    ``expected`` held. ``event`` (see ``_event``) is recorded either way,
    as the end of the compute's action."""
    matched = _update_if(context, instance_uuid, values, expected)
    if event is not None:
        _event(context, instance_uuid, host, event)
    return matched


def instance_set_error(context, instance_uuid, message, host, event,
                       expected=None, code=500):
    """``instance_state.set_error`` (ERROR, fault, release, event) under
    ``expected``; True when it matched."""
    return instance_state.set_error(context, instance_uuid, message,
                                    code=code, host=host, event=event,
                                    **_expected(expected))


def instance_release_resources(context, instance_uuid, network_only=False):
    """Free the claim and fixed IPs (only the fixed IPs with
    ``network_only``) of an instance. Idempotent."""
    if network_only:
        network_api.deallocate_for_instance(context, instance_uuid)
    else:
        instance_state.release_resources(context, instance_uuid)


def instance_terminated(context, instance_uuid, host, event):
    """The guest is gone from ``host``: release, record ``event``, delete
    the record."""
    instance_state.release_resources(context, instance_uuid)
    server_volumes.release_instance(
        context, instance_uuid, _block_device_mapping(context, instance_uuid))
    _event(context, instance_uuid, host, event)
    instance_db.instance_destroy(context, instance_uuid)


def _block_device_mapping(context, instance_uuid):
    """The instance's volume mappings (``compute.block_device``), []
    without any or when it is gone."""
    try:
        row = instance_db.instance_get(context.elevated(), instance_uuid)
    except exception.InstanceNotFound:
        return []
    return row.block_device_mapping or []


# ----------------------------------------------------------------- builds

def build_start(context, instance_uuid, host, allocate_network=True,
                guest_data=False, port_security=False):
    """Claim a build for ``host``: task_state None → spawning while
    building there; then allocate its NIC (none for a server created
    with ``"networks": "none"``, microversion 2.37).

    With ``guest_data`` (RPC 1.3) the answer is a dict ``network_info``
    ([VIF]) and ``guest_data``: what the guest is told about itself
    (``nova_lite.metadata.lookup.guest_data``: user data, public key,
    admin password, metadata, NICs; secrets, never logged) for its
    config drive; None when the build is not ours.

    A repeat of a start whose answer was lost (the compute asks again
    after a conductor restart; its per-instance lock keeps a second flow
    of the same instance on the same host out meanwhile) finds the build
    already spawning on ``host`` and answers as the first time (the NIC
    allocation is idempotent).

    With ``port_security`` (RPC 1.8) the answer is always that dict,
    with ``port_security``: the port specs of the instance's ports
    (``network.port_security.port_specs``) and ``guest_data`` None
    unless asked for.

    :returns: [VIF] (empty without ``allocate_network`` or for a server
        without network), or None when the instance is gone or no longer
        waits for this host
    """
    if not _update_if(context, instance_uuid,
                      {'task_state': states.SPAWNING},
                      {'task_state': None, 'vm_state': states.BUILDING,
                       'host': host}):
        current = instance_get(context, instance_uuid)
        if (current is None or current.vm_state != states.BUILDING
                or current.task_state != states.SPAWNING
                or current.host != host):
            return None
    network_info = []
    if allocate_network:
        # A compute's retried call (its first timed out while the
        # database was slow) may arrive while the first still runs: the
        # second reads the request row after the first allocated, so it
        # gets the same NICs instead of a second address.
        with lockutils.lock('build-start-%s' % instance_uuid):
            try:
                request = instance_db.instance_network_requests(
                    context, instance_uuid)
            except exception.InstanceNotFound:
                return None
            if request.network_request != network_api.NO_NETWORK:
                instance = instance_obj.Instance(uuid=instance_uuid)
                network_info = network_api.allocate_for_instance(
                    context, instance, requests_row=request)
    if not guest_data and not port_security:
        return network_info
    started = {'network_info': network_info, 'guest_data': None}
    if guest_data:
        try:
            started['guest_data'] = metadata_lookup.guest_data(
                context, instance_uuid)
        except exception.InstanceNotFound:
            return None
    if port_security:
        started['port_security'] = port_security_mod.port_specs(
            context.elevated(), ports=[
                {'port_id': vif.port_id, 'instance_uuid': instance_uuid,
                 'mac': vif.mac, 'address': vif.address}
                for vif in network_info if vif.port_id])
    return started


def port_security_get(context, host, instance_uuids=None):
    """The port specs of the live instances of ``host`` (only of
    ``instance_uuids`` when given): ``port_security.port_specs``."""
    return port_security_mod.port_specs(context.elevated(), host=host,
                                        instance_uuids=instance_uuids)


def build_finish(context, instance_uuid, host, event):
    """Spawned: spawning → ACTIVE/running with ``launched_at`` now, and
    ``event``.

    :returns: 'active'; 'deleting' when a delete took the instance over
        (it cleans up); 'lost' when something else did or it is gone
    """
    if _update_if(context, instance_uuid,
                  {'vm_state': states.ACTIVE, 'task_state': None,
                   'power_state': states.RUNNING,
                   'launched_at': compute_utils.utcnow()},
                  {'task_state': states.SPAWNING}):
        _event(context, instance_uuid, host, event)
        return 'active'
    current = instance_get(context, instance_uuid, read_deleted=True)
    if current is not None and current.task_state == states.DELETING:
        return 'deleting'
    if (current is not None and current.vm_state == states.ACTIVE
            and current.task_state is None and current.host == host):
        # A retry of a finish whose answer was lost (conductor restart).
        return 'active'
    return 'lost'


def build_failed(context, instance_uuid, host, event, fault,
                 reschedule=False):
    """A build failed on ``host`` (its guest is removed): release the
    claim and NIC, then either hand it back for rescheduling (spawning →
    scheduling, no host; fault and ``event`` recorded) or set ERROR.

    :param fault: dict code, message
    :returns: True when the compute must cast the reschedule, False when
        the instance was set to ERROR or changed meanwhile
    """
    instance_state.release_resources(context, instance_uuid)
    if not reschedule:
        if instance_state.set_error(
                context, instance_uuid, fault['message'], code=fault['code'],
                host=host, event=event['name'],
                start_time=compute_utils.parse_isotime(event.get('start')),
                expected_task_state=(states.SPAWNING,
                                     states.BLOCK_DEVICE_MAPPING)):
            metrics.build_failed('compute')
        return False
    if not _update_if(context, instance_uuid,
                      {'task_state': states.SCHEDULING, 'host': None,
                       'node': None},
                      {'task_state': states.SPAWNING, 'host': host}):
        return False
    fault_db.instance_fault_create(context, instance_uuid, fault['code'],
                                   fault['message'], host=host)
    _event(context, instance_uuid, host, dict(event, details=fault[
        'message']))
    return True


# ------------------------------------------------- usage audit (1.2)

_AUDIT_TIMES = ('launched_at', 'terminated_at', 'deleted_at')


def usage_audit_begin(context, host, begin, end):
    """Begin the usage audit of ``host`` for ``[begin, end)`` (isotime
    text): write its RUNNING ``task_log`` row and answer ``[[Instance,
    {launched_at, terminated_at, deleted_at} (isotime)], ...]`` of the
    instances the host had during the period (deleted ones included;
    metadata is not read); None when the host already has a row for the
    period. Two SELECTs and an INSERT."""
    begin = compute_utils.parse_isotime(begin)
    end = compute_utils.parse_isotime(end)
    rows = usage_db.instances_in_window(context, begin, end, host=host)
    if not usage_db.task_log_begin(
            context, usage_audit.AUDIT_TASK, begin, end, host, len(rows),
            'Instance usage audit started...'):
        return None
    return [[instance_obj.Instance.from_dict(row),
             {k: compute_utils.isotime(row[k]) for k in _AUDIT_TIMES}]
            for row in rows]


def usage_audit_end(context, host, begin, end, errors, message):
    """Mark the usage audit of ``host`` for the period DONE (``errors``
    failed notifications, ``message``); logged when it was never begun."""
    try:
        usage_db.task_log_end(context, usage_audit.AUDIT_TASK,
                              compute_utils.parse_isotime(begin),
                              compute_utils.parse_isotime(end), host,
                              errors, message)
    except exception.NotFound as exc:
        LOG.warning('Usage audit not ended: %s', exc)


# ---------------------------------------------------------- soft delete

def instances_to_reclaim(context, host):
    """Uuids of the SOFT_DELETED instances of ``host`` (no task) whose
    reclaim time (``reclaim_at``) is now or past (doc/lifecycle.md)."""
    return reclaim_db.instances_to_reclaim(context, host,
                                           compute_utils.utcnow())


def interface_detached(context, instance_uuid, port_id, host, event):
    """The guest of ``host`` lost the NIC of ``port_id``: release the
    port (``network.interfaces.release_port``: deleted when made for
    the server, else unbound), then record ``event``.

    :returns: 'deleted', 'unbound' or None (not the server's port)
    """
    done = network_interfaces.release_port(context.elevated(),
                                           instance_uuid, port_id)
    _event(context, instance_uuid, host, event)
    return done
