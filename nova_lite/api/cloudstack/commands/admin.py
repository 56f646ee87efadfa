"""Administrator commands (CloudStack API reference, "Host", "System
Capacity"): listHosts, updateHost and listCapacity, from the compute
hosts of ``nova_lite.compute.cluster_api`` and the storage pools of
``nova_lite.volume.pools`` (with their pod and cluster,
and the ratios claims use on them): a host is Up when its compute service is
up by ``nova_lite.servicegroup``'s rule (as os-services says), so a
forced down host is Down; its ``resourcestate`` is Enabled, Disabled or
a maintenance state (``nova_lite.compute.maintenance``). Memory and
disk figures are bytes, CPU figures MHz (``[cloudstack] cpu_speed_mhz``
per virtual CPU), as in CloudStack's responses."""
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.commands import catalog
from nova_lite.api.cloudstack.registry import ADMIN
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.compute import cluster_api
from nova_lite.compute import host_api
from nova_lite.compute import maintenance
from nova_lite.volume import pools as pool_api

MIB = 1024 * 1024
GIB = 1024 * MIB

#: CloudStack capacity types (Capacity.CAPACITY_TYPE_*).
MEMORY, CPU, STORAGE_ALLOCATED, LOCAL_STORAGE, CPU_CORES = 0, 1, 3, 9, 19
_CAPACITY_NAMES = {MEMORY: 'MEMORY', CPU: 'CPU',
                   STORAGE_ALLOCATED: 'STORAGE_ALLOCATED',
                   LOCAL_STORAGE: 'LOCAL_STORAGE', CPU_CORES: 'CPU_CORE'}


def _percent(used, total):
    return '%.2f' % (100.0 * used / total) if total else '0'


def _placement(node):
    """podid, podname, clusterid, clustername of a host (empty strings
    for a host in no cluster)."""
    cluster = node['cluster'] or {}
    return {'podid': cluster.get('pod_uuid', ''),
            'podname': cluster.get('pod_name', ''),
            'clusterid': cluster.get('uuid', ''),
            'clustername': cluster.get('name', '')}


def find_host(request, host_id, param='id'):
    """The ``cluster_api.hosts`` record of host ``host_id`` (its compute
    node uuid).

    :raises: InvalidParameter (431) naming ``param`` when there is none
    """
    for node in cluster_api.hosts(request.context):
        if node['uuid'] == host_id:
            return node
    raise errors.InvalidParameter(
        'Unable to execute API command %s due to invalid value %s for '
        'parameter %s: no such host' % (request.command.name.lower(),
                                        host_id, param))


def host_view(request, node):
    """The host response of a ``cluster_api.hosts`` record."""
    speed = request.conf.cloudstack.cpu_speed_mhz
    service, zone_name = node['service'], node['zone']
    return dict(_placement(node), **{
        'id': node['uuid'], 'name': node['host'], 'type': 'Routing',
        'state': 'Up' if node['up'] else 'Down',
        'resourcestate': maintenance.resource_state(request.context,
                                                    service),
        'ipaddress': node.get('host_ip'),
        'hypervisor': views.hypervisor_name(node['hypervisor_type']),
        'hypervisorversion': str(node['hypervisor_version']),
        'zoneid': views.zone_id(zone_name), 'zonename': zone_name,
        'cpunumber': node['vcpus'], 'cpuspeed': speed,
        'cpuallocated': _percent(node['vcpus_used'], node['vcpus']) + '%',
        'cpuwithoverprovisioning': '%.2f' % (
            node['vcpus'] * speed * node['effective_cpu_ratio']),
        'memorytotal': node['memory_mb'] * MIB,
        'memoryallocated': node['memory_mb_used'] * MIB,
        'disksizetotal': node['local_gb'] * GIB,
        'disksizeallocated': node['local_gb_used'] * GIB,
        'created': views.cs_time(node['created_at']),
        'lastpinged': views.cs_time(service['last_seen_up']
                                    if service else None),
        'events': '', 'hosttags': '', 'clustertype': 'CloudManaged',
    })


@command('listHosts', role=ADMIN, response_object='host', listing=True,
         params=(
             P.Parameter('id', P.UUID, 'the host ID'),
             P.Parameter('name', description='the host name'),
             P.Parameter('type', description='Routing (compute hosts)'),
             P.Parameter('zoneid', P.UUID, 'hosts of this zone'),
             P.Parameter('podid', P.UUID, 'hosts of this pod'),
             P.Parameter('clusterid', P.UUID, 'hosts of this cluster'),
             P.Parameter('state', description='Up or Down'),
             P.Parameter('resourcestate', description='Enabled, Disabled, '
                         'PrepareForMaintenance, Maintenance or '
                         'ErrorInMaintenance'),
         ))
def list_hosts(request):
    """Lists hypervisor hosts (compute nodes) with their capacity."""
    params, ctx = request.params, request.context
    if params['type'] and params['type'].lower() != 'routing':
        return {}
    hosts = [host_view(request, n) for n in cluster_api.hosts(ctx)]
    keyword = (params['keyword'] or '').lower()
    hosts = [h for h in hosts
             if (not params['id'] or h['id'] == params['id'])
             and (not params['name'] or h['name'] == params['name'])
             and all(not params[key] or h[key] == params[key]
                     for key in ('zoneid', 'podid', 'clusterid'))
             and all(not params[key] or h[key].lower() ==
                     params[key].lower() for key in ('state',
                                                     'resourcestate'))
             and keyword in h['name'].lower()]
    page, total = request_mod.paginate(request, hosts)
    return request_mod.listing(page, 'host', total)


@command('updateHost', role=ADMIN, response_object='host', params=(
    P.Parameter('id', P.UUID, 'the host ID', required=True),
    P.Parameter('allocationstate', choices=('enable', 'disable'),
                description='Enable or Disable: whether new virtual '
                'machines may be placed on the host'),
    P.Parameter('clusterid', P.UUID, 'move the host into this cluster '
                '(of its zone); its running VMs stay'),
))
def update_host(request):
    """Enables or disables a host: the disabled flag of its compute
    service, as os-services and os-hosts set it (the scheduler skips a
    disabled host); ``clusterid`` moves it into a cluster. Other host
    attributes are not kept by nova_lite."""
    params, ctx = request.params, request.context
    nodes = [n for n in cluster_api.hosts(ctx)
             if n['uuid'] == params['id']]
    if not nodes:
        raise errors.InvalidParameter(
            'Unable to find host with id %s' % params['id'])
    state = params['allocationstate']
    if state:
        host_api.host_set_enabled(ctx, nodes[0]['host'],
                                  state.lower() == 'enable')
    if params['clusterid']:
        cluster_api.host_set_cluster(ctx, nodes[0]['host'],
                                     params['clusterid'])
    if state or params['clusterid']:
        nodes = [n for n in cluster_api.hosts(ctx)
                 if n['uuid'] == params['id']]
    return {'host': host_view(request, nodes[0])}


def _capacity(request, scope, nodes):
    """The capacity entries (one per type) of ``nodes`` (records of
    ``cluster_api.hosts``) in ``scope`` (zoneid, zonename and, below a
    zone, podid, podname, clusterid, clustername): the room claims see,
    after the effective ratios and reserved amounts."""
    speed = request.conf.cloudstack.cpu_speed_mhz
    sums = {MEMORY: [0, 0], CPU: [0, 0], LOCAL_STORAGE: [0, 0],
            CPU_CORES: [0, 0]}
    for n in nodes:
        sums[MEMORY][0] += int((n['memory_mb'] - n['reserved_memory_mb'])
                               * n['effective_ram_ratio'] * MIB)
        sums[MEMORY][1] += n['memory_mb_used'] * MIB
        sums[CPU][0] += int(n['vcpus'] * n['effective_cpu_ratio'] * speed)
        sums[CPU][1] += n['vcpus_used'] * speed
        sums[LOCAL_STORAGE][0] += int((n['local_gb'] - n['reserved_disk_gb'])
                                      * n['disk_allocation_ratio'] * GIB)
        sums[LOCAL_STORAGE][1] += n['local_gb_used'] * GIB
        sums[CPU_CORES][0] += int(n['vcpus'] * n['effective_cpu_ratio'])
        sums[CPU_CORES][1] += n['vcpus_used']
    return [dict(scope, type=kind, name=_CAPACITY_NAMES[kind],
                 capacitytotal=total, capacityused=used,
                 percentused=_percent(used, total))
            for kind, (total, used) in sums.items()]


def _storage_allocated(scope, pools):
    """The STORAGE_ALLOCATED entry of ``scope``: the storage pools of its
    cluster (``clusterid``), its pod (``podid``: its clusters' and its
    own) or its zone (every pool of the zone, default pools included);
    total = capacity times over-provisioning, used = what volumes
    claim, bytes (CloudStack's allocated capacity of primary storage).
    """
    if scope.get('clusterid'):
        mine = [p for p in pools if p['cluster_uuid'] == scope['clusterid']]
    elif scope.get('podid'):
        mine = [p for p in pools if p['pod_uuid'] == scope['podid']]
    else:
        mine = [p for p in pools if p['zone'] == scope['zonename']]
    total = sum(pool_api.limit_gb(p) for p in mine) * GIB
    used = sum(p['allocated_gb'] for p in mine) * GIB
    return dict(scope, type=STORAGE_ALLOCATED,
                name=_CAPACITY_NAMES[STORAGE_ALLOCATED],
                capacitytotal=total, capacityused=used,
                percentused=_percent(used, total))


def _zone_scope(zone_name):
    return {'zoneid': views.zone_id(zone_name), 'zonename': zone_name}


def _groups(request, hosts):
    """[(scope, nodes)]: per zone, or per pod (``podid``) or cluster
    (``clusterid``) when asked, empty ones included."""
    params, ctx = request.params, request.context
    if params['clusterid'] or params['podid']:
        key = 'clusterid' if params['clusterid'] else 'podid'
        groups = {}
        for cluster in cluster_api.cluster_list(ctx):
            scope = dict(_zone_scope(cluster['zone']),
                         podid=cluster['pod_uuid'],
                         podname=cluster['pod_name'])
            if key == 'clusterid':
                scope.update(clusterid=cluster['uuid'],
                             clustername=cluster['name'])
            if scope[key] == params[key]:
                groups[scope[key]] = (scope, [])
        for node in hosts:
            cluster = _placement(node)
            if cluster[key] in groups:
                groups[cluster[key]][1].append(node)
        return list(groups.values())
    by_zone = {name: [] for name in catalog.zone_names(request)}
    for node in hosts:
        by_zone.setdefault(node['zone'], []).append(node)
    return [(_zone_scope(name), nodes) for name, nodes in by_zone.items()]


@command('listCapacity', role=ADMIN, response_object='capacity',
         listing=True, params=(
             P.Parameter('zoneid', P.UUID, 'capacity of this zone'),
             P.Parameter('podid', P.UUID, 'capacity of this pod'),
             P.Parameter('clusterid', P.UUID, 'capacity of this cluster'),
             P.Parameter('type', P.INTEGER, 'capacity type: 0 memory, 1 '
                         'CPU, 3 storage allocated (primary storage), 9 '
                         'local storage, 19 CPU cores'),
         ))
def list_capacity(request):
    """Lists the capacity of each zone, or of one pod or cluster:
    allocatable totals (after the ratios claims use and reserved
    amounts) and what is allocated; primary storage from the storage
    pools (``nova_lite.volume.pools``)."""
    params = request.params
    hosts = cluster_api.hosts(request.context)
    pools = [] if params['type'] not in (None, STORAGE_ALLOCATED) else \
        pool_api.pool_list(request.context)
    entries = [entry for scope, nodes in _groups(request, hosts)
               for entry in _capacity(request, scope, nodes) + [
                   _storage_allocated(scope, pools)]
               if (not params['zoneid']
                   or entry['zoneid'] == params['zoneid'])
               and (params['type'] is None
                    or entry['type'] == params['type'])]
    page, total = request_mod.paginate(request, entries)
    return request_mod.listing(page, 'capacity', total)
