"""Hosts and services for the APIs: services (os-services), hypervisors
(os-hypervisors), availability zones (os-availability-zone), host
aggregates (os-aggregates), the compute hosts and zone capacity of the
CloudStack admin commands, and the database probe of ``/healthcheck``.

The handlers of both APIs call these functions instead of
``nova_lite.db``; every function takes a RequestContext first (policy is
the handler's). Whether a service is up is ``nova_lite.servicegroup``'s
rule, a host's zone ``nova_lite.availability_zones``'s. Records are the
dicts of ``nova_lite.db`` with these keys added:

- a service: ``up`` (bool) and ``zone`` (str);
- a hypervisor: ``service`` (its compute service, as above) and, for the
  detail, ``current_workload`` (int);
- a compute host: ``service`` (or None when the host has no compute
  service), ``up`` (False without a service) and ``zone``.

Units: memory in MiB, disks in GiB, times naive UTC.
"""
from oslo_utils import timeutils

from nova_lite import availability_zones as az
from nova_lite.compute import cluster_aggregates
from nova_lite.db import aggregates as aggregate_db
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import hypervisors as hypervisor_db
from nova_lite.db import images as image_db
from nova_lite.db import instances as instance_db
from nova_lite.db import services as service_db
from nova_lite.db import session as db_session
from nova_lite import exception
from nova_lite import notifications
from nova_lite import servicegroup

#: Largest id of a row (an SQL INTEGER).
MAX_ID = 2 ** 31 - 1


def _with_state(service, host_zones, now):
    service = dict(service)
    service['up'] = servicegroup.is_up(service, now)
    service['zone'] = az.service_zone(service, host_zones)
    return service


# --------------------------------------------------------------- services

def service_list(context, binary=None, host=None):
    """Live services by id, optionally only of ``binary`` (an internal
    name, ``servicegroup.BINARIES``) and ``host``; with ``up`` and
    ``zone``. Two SELECTs."""
    services = service_db.service_get_all(context, binary=binary, host=host)
    zones = aggregate_db.host_zones(context) if services else {}
    now = timeutils.utcnow()
    return [_with_state(s, zones, now) for s in services]


def compute_services_of(context, hosts):
    """``{host: compute service}`` (with ``up``, ``zone``) of the hosts
    among ``hosts`` that have a live compute service; no query for no
    hosts, else two SELECTs."""
    hosts = {h for h in hosts if h}
    if not hosts:
        return {}
    return {s['host']: s for s in service_list(
        context, binary=servicegroup.COMPUTE) if s['host'] in hosts}


def service_find(context, host, binary):
    """The live service of ``binary`` (internal name) on ``host``.

    :raises: ServiceNotFound (404)
    """
    services = service_db.service_get_all(context, binary=binary, host=host)
    if not services:
        raise exception.ServiceNotFound(
            'Service %s on host %s could not be found.' % (binary, host))
    return services[0]


def service_update(context, host, binary, values):
    """Update the service of ``binary`` on ``host``: ``disabled``,
    ``disabled_reason``, ``forced_down`` (a forced down service is down
    whatever its heartbeat). Returns the updated service dict.

    :raises: ServiceNotFound (404)
    """
    service = service_find(context, host, binary)
    updated = service_db.service_update(context, service['id'], values)
    notifications.service(context, 'update', updated)
    return updated


def service_get_by_uuid(context, service_uuid):
    """The live service of ``service_uuid`` (microversion 2.53), with
    ``up`` and ``zone``.

    :raises: ServiceNotFound (404)
    """
    service = service_db.service_get_by_uuid(context, service_uuid)
    zones = aggregate_db.host_zones(context)
    return _with_state(service, zones, timeutils.utcnow())


def service_update_by_uuid(context, service_uuid, values):
    """``service_update`` of the service of ``service_uuid`` (2.53);
    returns it as ``service_get_by_uuid`` does.

    :raises: ServiceNotFound (404)
    """
    service = service_db.service_get_by_uuid(context, service_uuid)
    updated = service_db.service_update(context, service['id'], values)
    notifications.service(context, 'update', updated)
    return service_get_by_uuid(context, service_uuid)


def service_delete_by_uuid(context, service_uuid):
    """``service_delete`` of the service of ``service_uuid`` (2.53).

    :raises: ServiceNotFound (404), Conflict (409)
    """
    service = service_db.service_get_by_uuid(context, service_uuid)
    service_delete(context, service['id'])


def service_delete(context, service_id):
    """Delete a service (int id); a compute service takes its compute
    nodes with it.

    :raises: ServiceNotFound (404, also for ids beyond ``MAX_ID``),
        Conflict (409) while the compute host has instances
    """
    if not 0 < service_id <= MAX_ID:
        raise exception.ServiceNotFound(service_id=service_id)
    # Read first: service.delete carries the service as it was.
    service = service_db.service_get(context, service_id)
    service_db.service_destroy(context, service_id)
    notifications.service(context, 'delete', service)


# ---------------------------------------------------- availability zones

def zone_services(context, computes_only=False):
    """``{zone: [service, ...]}`` of every zone, in zone name order: the
    zones of the services (the internal one unless ``computes_only``)
    and of zone aggregates, those without services mapping to []. Three
    SELECTs."""
    services = service_list(
        context, binary=servicegroup.COMPUTE if computes_only else None)
    zones = {name: [] for name in aggregate_db.availability_zones(context)}
    for service in services:
        zones.setdefault(service['zone'], []).append(service)
    return dict(sorted(zones.items()))


# ------------------------------------------------------------ hypervisors

def _with_service_state(hypervisor, now):
    hypervisor['service']['up'] = servicegroup.is_up(hypervisor['service'],
                                                     now)
    return hypervisor


def hypervisor_list(context, pattern=None, detail=False):
    """Hypervisors by node id, each with its compute ``service`` (with
    ``up``), and ``current_workload`` when ``detail``; one SELECT.

    :param pattern: only those whose ``hypervisor_hostname`` contains it
    """
    now = timeutils.utcnow()
    return [_with_service_state(h, now) for h in
            hypervisor_db.hypervisor_get_all(context, pattern=pattern,
                                             workload=detail)]


def hypervisor_search(context, pattern):
    """``hypervisor_list(context, pattern)``, not empty.

    :raises: ComputeHostNotFound (404) when nothing matches
    """
    found = hypervisor_list(context, pattern)
    if not found:
        raise exception.ComputeHostNotFound(
            'No hypervisor matching %s could be found.' % pattern[:64])
    return found


def hypervisor_get(context, hypervisor_id, detail=False, by_uuid=False):
    """The hypervisor whose id is ``hypervisor_id`` (the id as the URL
    has it: a decimal string; its ``uuid`` with ``by_uuid``, as from
    microversion 2.53), as ``hypervisor_list`` shows it.

    :raises: ComputeHostNotFound (404) for unknown or malformed ids
    """
    found = []
    now = timeutils.utcnow()
    if by_uuid:
        found = [_with_service_state(h, now) for h in
                 hypervisor_db.hypervisor_get_all(
                     context, node_uuid=hypervisor_id, workload=detail)]
    elif hypervisor_id.isdigit() and str(int(hypervisor_id)) == \
            hypervisor_id and int(hypervisor_id) <= MAX_ID:
        found = [_with_service_state(h, now) for h in
                 hypervisor_db.hypervisor_get_all(
                     context, node_id=int(hypervisor_id), workload=detail)]
    if not found:
        raise exception.ComputeHostNotFound(
            'Hypervisor with ID %s could not be found.' % hypervisor_id[:64])
    return found[0]


def hypervisor_servers(context, pattern=None, hypervisors=None):
    """``[(hypervisor, [{"uuid", "id"}, ...])]`` of the hypervisors
    matching ``pattern`` (or of ``hypervisors``) with their live
    instances; two SELECTs.

    :raises: ComputeHostNotFound (404) when nothing matches ``pattern``
    """
    found = hypervisors if hypervisors is not None else \
        hypervisor_search(context, pattern)
    servers = hypervisor_db.hypervisor_servers(context, found)
    return [(h, servers[h['id']]) for h in found]


def hypervisor_statistics(context):
    """Sums over every hypervisor (``count``, ``vcpus``, ``memory_mb``,
    ``local_gb``, their ``*_used``, ``running_vms``,
    ``current_workload``); one SELECT."""
    return hypervisor_db.hypervisor_statistics(context)


def hypervisor_uptime(context, hypervisor_id, compute_api, by_uuid=False):
    """``(hypervisor, uptime line)``: the host's ``uptime`` output, asked
    of its compute service over RPC.

    :param compute_api: a ``nova_lite.compute.api.API``
    :raises: ComputeHostNotFound (404), ComputeServiceUnavailable (400)
        when the compute service is down (no call is made),
        NotSupportedByDriver (501)
    """
    hypervisor = hypervisor_get(context, hypervisor_id, by_uuid=by_uuid)
    if not hypervisor['service']['up']:
        raise exception.ComputeServiceUnavailable(host=hypervisor['host'])
    return hypervisor, compute_api.get_host_uptime(context,
                                                   hypervisor['host'])


# ------------------------------------------------------- os-hosts

#: Host operations no nova_lite virt driver implements (the
#: ``ComputeDriver`` ABC has no host power operation; maintenance mode is
#: ``nova_lite.compute.maintenance``'s, driver-independent).
UNSUPPORTED_HOST_OPERATIONS = ('startup', 'shutdown', 'reboot')


def host_services(context, zone=None):
    """The enabled services (every binary), by id, with ``up`` and
    ``zone``; only those of ``zone`` when given (os-hosts lists enabled
    services only, as Nova does). Two SELECTs."""
    return [s for s in service_list(context)
            if not s['disabled'] and (not zone or s['zone'] == zone)]


def compute_service_of(context, host):
    """The live compute service of ``host`` (with ``up`` and ``zone``).

    :raises: ComputeHostNotFound (404) when the host has none
    """
    found = [s for s in service_list(context, binary=servicegroup.COMPUTE,
                                     host=host)]
    if not found:
        raise exception.ComputeHostNotFound(host=host[:255])
    return found[0]


def host_resources(context, host):
    """``(compute node, [instance Record, ...])`` of a compute host: its
    first compute node and its live instances. Two SELECTs.

    :raises: ComputeHostNotFound (404) when the host has no compute node
    """
    nodes = node_db.compute_node_get_all(context, host=host)
    if not nodes:
        raise exception.ComputeHostNotFound(host=host[:255])
    return nodes[0], instance_db.instances_on_host(context, host)


def host_set_enabled(context, host, enabled):
    """Enable or disable the compute service of ``host`` (its
    ``disabled`` flag: the scheduler skips a disabled host); the same
    flag as os-services enable/disable and CloudStack's updateHost
    allocationstate. Returns 'enabled' or 'disabled'.

    :raises: ComputeHostNotFound (404)
    """
    service = compute_service_of(context, host)
    values = {'disabled': not enabled}
    if enabled:
        values['disabled_reason'] = None
    updated = service_db.service_update(context, service['id'], values)
    notifications.service(context, 'update', updated)
    return 'enabled' if enabled else 'disabled'


def host_unsupported(context, host, operation):
    """Refuse a host operation that no virt driver of nova_lite
    implements (``UNSUPPORTED_HOST_OPERATIONS``), once the host is known.

    :raises: ComputeHostNotFound (404) for a host without compute
        service, NotSupportedByDriver (501) otherwise
    """
    compute_service_of(context, host)
    raise exception.NotSupportedByDriver(operation=operation, host=host)


# ---------------------------------------------------- CloudStack hosts

def compute_hosts(context):
    """Every live compute node by id as a compute host: the
    ``compute_nodes`` columns with ``service``, ``up`` and ``zone``.
    Three SELECTs."""
    services = {s['host']: s for s in service_list(
        context, binary=servicegroup.COMPUTE)}
    zones = aggregate_db.host_zones(context)
    hosts = []
    for node in node_db.compute_node_get_all(context):
        service = services.get(node['host'])
        hosts.append(dict(node, service=service,
                          up=bool(service and service['up']),
                          zone=az.host_zone(node['host'], zones)))
    return hosts


def nodes_by_zone(context):
    """``{zone: [compute node dict, ...]}`` of the zones that have
    compute nodes; two SELECTs."""
    zones = aggregate_db.host_zones(context)
    by_zone = {}
    for node in node_db.compute_node_get_all(context):
        by_zone.setdefault(az.host_zone(node['host'], zones),
                           []).append(node)
    return by_zone


# ------------------------------------------------------------- aggregates

def aggregate_list(context):
    """Every live aggregate by id (``nova_lite.db.aggregates`` dicts),
    then the read-only aggregates of the CloudStack clusters
    (``cluster_aggregates``)."""
    return (aggregate_db.aggregate_get_all(context) +
            cluster_aggregates.aggregates(context))


def aggregate_get(context, aggregate_id):
    """An aggregate, or a cluster's (``cluster_aggregates``).

    :raises: AggregateNotFound (404)"""
    if cluster_aggregates.is_cluster_id(aggregate_id):
        return cluster_aggregates.get(context, aggregate_id)
    return aggregate_db.aggregate_get(context, aggregate_id)


def aggregate_cache_images(context, aggregate_id, image_ids, compute_api):
    """Ask every host of the aggregate to download ``image_ids`` into its
    image cache (compute API microversion 2.81): one cast per host to
    its compute service (``compute_api``, a ``compute.api.API``).

    :returns: the hosts asked
    :raises: AggregateNotFound (404); Invalid (400) for an image that is
        unknown or not active
    """
    aggregate = aggregate_get(context, aggregate_id)
    for image_id in image_ids:
        try:
            image = image_db.image_get(context, image_id)
        except exception.ImageNotFound:
            raise exception.Invalid(reason='image %s could not be found'
                                    % image_id) from None
        if image['status'] != 'active':
            raise exception.Invalid(reason='image %s is not active'
                                    % image_id)
    hosts = sorted(aggregate['hosts'])
    for host in hosts:
        compute_api.cache_images(context, host, image_ids)
    return hosts


def aggregate_create(context, name, availability_zone=None):
    """aggregate.create.start/end.

    :raises: AggregateNameExists (409)
    """
    cluster_aggregates.check_name(name)
    notifications.aggregate(context, 'aggregate.create.start', {
        'id': 0, 'name': name, 'availability_zone': availability_zone})
    aggregate = aggregate_db.aggregate_create(context, name,
                                              availability_zone)
    notifications.aggregate(context, 'aggregate.create.end', aggregate)
    return aggregate


def aggregate_update(context, aggregate_id, name=None,
                     availability_zone=False):
    """Rename and/or change the zone (None removes it, False keeps it).

    :raises: AggregateNotFound (404), AggregateNameExists (409),
        InvalidAggregateAction (400: a host would be in two zones, or a
        cluster's aggregate), Invalid (400: a ``cluster:`` name)
    """
    if cluster_aggregates.is_cluster_id(aggregate_id):
        cluster_aggregates.refuse_change(context, aggregate_id, 'update')
    cluster_aggregates.check_name(name)
    return aggregate_db.aggregate_update(
        context, aggregate_id, name=name,
        availability_zone=availability_zone)


def aggregate_delete(context, aggregate_id):
    """:raises: AggregateNotFound (404), InvalidAggregateAction (400:
    the aggregate has hosts, or is a cluster's);
    aggregate.delete.start/end"""
    if cluster_aggregates.is_cluster_id(aggregate_id):
        cluster_aggregates.refuse_change(context, aggregate_id, 'delete')
    aggregate = aggregate_db.aggregate_get(context, aggregate_id)
    notifications.aggregate(context, 'aggregate.delete.start', aggregate)
    aggregate_db.aggregate_delete(context, aggregate_id)
    notifications.aggregate(context, 'aggregate.delete.end', aggregate)


def _notified(context, action, aggregate_id, change, *args):
    """``change(context, aggregate_id, *args)`` between the
    ``aggregate.<action>.start`` (id only: the aggregate is not read first)
    and ``.end`` (the changed aggregate) notifications; returns the
    aggregate dict. A cluster's aggregate is refused (400) before
    anything is sent."""
    if cluster_aggregates.is_cluster_id(aggregate_id):
        cluster_aggregates.refuse_change(context, aggregate_id, action)
    notifications.aggregate(context, 'aggregate.%s.start' % action,
                            {'id': aggregate_id, 'name': ''})
    aggregate = change(context, aggregate_id, *args)
    notifications.aggregate(context, 'aggregate.%s.end' % action, aggregate)
    return aggregate


def aggregate_add_host(context, aggregate_id, host):
    """:raises: AggregateNotFound, ComputeHostNotFound (404),
    AggregateHostExists, AggregateActionConflict (409);
    aggregate.add_host.start/end"""
    return _notified(context, 'add_host', aggregate_id,
                     aggregate_db.aggregate_host_add, host)


def aggregate_remove_host(context, aggregate_id, host):
    """:raises: AggregateNotFound, AggregateHostNotFound (404);
    aggregate.remove_host.start/end"""
    return _notified(context, 'remove_host', aggregate_id,
                     aggregate_db.aggregate_host_delete, host)


def aggregate_set_metadata(context, aggregate_id, metadata):
    """Merge ``metadata`` (None values delete keys);
    aggregate.update_metadata.start/end.

    :raises: AggregateNotFound (404), InvalidAggregateAction (400),
        Conflict (409: keys the database takes for equal)
    """
    return _notified(context, 'update_metadata', aggregate_id,
                     aggregate_db.aggregate_metadata_set, metadata)


# ----------------------------------------------------------------- health

def ping_database(context):
    """``SELECT 1`` (the API's ``/healthcheck``).

    :raises: oslo.db DBError or SQLAlchemyError when the database cannot
        be reached
    """
    db_session.ping(context)
