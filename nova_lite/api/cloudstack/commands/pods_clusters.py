"""Pod and cluster commands (CloudStack API reference, "Pod",
"Cluster"): listPods, createPod, deletePod, listClusters, addCluster,
updateCluster and deleteCluster, admin only, over
``nova_lite.compute.cluster_api``.

A zone is an availability zone (``views.zone_id`` of its name), a pod a
``pods`` row, a cluster a ``clusters`` row; a cluster's
``cpuovercommitratio``/``memoryovercommitratio`` override its hosts'
allocation ratios in claims (doc/cloudstack.md, "Zones, pods,
clusters, hosts").
"""
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.commands import catalog
from nova_lite.api.cloudstack.registry import ADMIN
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.compute import cluster_api
from nova_lite.policies import servers as server_policies

#: CloudStack hypervisor names accepted by addCluster → hypervisor_type.
HYPERVISORS = {'kvm': 'QEMU', 'simulator': 'fake'}


def pod_view(pod):
    """The pod response of a pod dict."""
    return {
        'id': pod['uuid'], 'name': pod['name'],
        'zoneid': views.zone_id(pod['zone']), 'zonename': pod['zone'],
        'gateway': pod['gateway'] or '', 'netmask': pod['netmask'] or '',
        'startip': [pod['start_ip']] if pod['start_ip'] else [],
        'endip': [pod['end_ip']] if pod['end_ip'] else [],
        'allocationstate': 'Enabled',
    }


def _ratio_text(value):
    return '' if value is None else '%g' % value


def cluster_view(cluster):
    """The cluster response of a cluster dict."""
    return {
        'id': cluster['uuid'], 'name': cluster['name'],
        'podid': cluster['pod_uuid'], 'podname': cluster['pod_name'],
        'zoneid': views.zone_id(cluster['zone']),
        'zonename': cluster['zone'],
        'hypervisortype': views.hypervisor_name(cluster['hypervisor_type']),
        'clustertype': 'CloudManaged', 'allocationstate': 'Enabled',
        'managedstate': 'Managed',
        'cpuovercommitratio': _ratio_text(cluster['cpu_overcommit_ratio']),
        'memoryovercommitratio': _ratio_text(
            cluster['mem_overcommit_ratio']),
    }


def parse_ratio(request, name):
    """The float of ratio parameter ``name`` (None when absent).

    :raises: InvalidParameter (431) when it is not a positive number
    """
    text = request.params[name]
    if text is None or text == '':
        return None
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value != value or value == float('inf'):
        raise errors.InvalidParameter(
            'Unable to execute API command %s due to invalid value %s for '
            'parameter %s: a positive number is expected' % (
                request.command.name.lower(), text, name))
    return value


def _filtered(request, items, **fields):
    """Items whose fields equal the given non-empty parameters, and
    whose name holds ``keyword``."""
    keyword = (request.params['keyword'] or '').lower()
    items = [i for i in items if keyword in i['name'].lower()
             and all(not request.params[p] or i[f] == request.params[p]
                     for p, f in fields.items())]
    page, total = request_mod.paginate(request, items)
    return page, total


@command('listPods', role=ADMIN, response_object='pod', listing=True,
         params=(
             P.Parameter('id', P.UUID, 'the pod ID'),
             P.Parameter('name', description='the pod name'),
             P.Parameter('zoneid', P.UUID, 'pods of this zone'),
         ))
def list_pods(request):
    """Lists the pods of the zones."""
    pods = [pod_view(p) for p in cluster_api.pod_list(request.context)]
    page, total = _filtered(request, pods, id='id', name='name',
                            zoneid='zoneid')
    return request_mod.listing(page, 'pod', total)


@command('createPod', role=ADMIN, response_object='pod', params=(
    P.Parameter('zoneid', P.UUID, 'the zone of the pod', required=True),
    P.Parameter('name', description='the pod name', required=True),
    P.Parameter('gateway', description='gateway of the pod subnet'),
    P.Parameter('netmask', description='netmask of the pod subnet'),
    P.Parameter('startip', description='first address of the range'),
    P.Parameter('endip', description='last address of the range'),
))
def create_pod(request):
    """Creates a pod in a zone (an availability zone)."""
    params = request.params
    zone = catalog.zone_name(request, params['zoneid'])
    pod = cluster_api.pod_create(
        request.context, zone, params['name'], gateway=params['gateway'],
        netmask=params['netmask'], start_ip=params['startip'],
        end_ip=params['endip'])
    return {'pod': pod_view(pod)}


@command('deletePod', role=ADMIN, params=(
    P.Parameter('id', P.UUID, 'the pod ID', required=True),
))
def delete_pod(request):
    """Deletes a pod without clusters."""
    cluster_api.pod_delete(request.context, request.params['id'])
    return {'success': True}


@command('listClusters', role=ADMIN, response_object='cluster',
         listing=True, params=(
             P.Parameter('id', P.UUID, 'the cluster ID'),
             P.Parameter('name', description='the cluster name'),
             P.Parameter('podid', P.UUID, 'clusters of this pod'),
             P.Parameter('zoneid', P.UUID, 'clusters of this zone'),
             P.Parameter('hypervisor', description='KVM or Simulator'),
         ))
def list_clusters(request):
    """Lists the clusters of the pods."""
    clusters = [cluster_view(c)
                for c in cluster_api.cluster_list(request.context)]
    page, total = _filtered(request, clusters, id='id', name='name',
                            podid='podid', zoneid='zoneid',
                            hypervisor='hypervisortype')
    return request_mod.listing(page, 'cluster', total)


def _hypervisor_type(request):
    name = request.params['hypervisor']
    kind = HYPERVISORS.get(name.lower())
    if kind is None:
        raise errors.InvalidParameter(
            'Unable to execute API command addcluster due to invalid value '
            '%s for parameter hypervisor: one of KVM, Simulator' % name)
    return kind


@command('addCluster', role=ADMIN, response_object='cluster', params=(
    P.Parameter('zoneid', P.UUID, 'the zone of the cluster',
                required=True),
    P.Parameter('podid', P.UUID, 'the pod of the cluster', required=True),
    P.Parameter('clustername', description='the cluster name',
                required=True),
    P.Parameter('hypervisor', description='KVM or Simulator',
                required=True),
    P.Parameter('clustertype', choices=('cloudmanaged',),
                description='CloudManaged'),
    P.Parameter('cpuovercommitratio', description='CPU overcommit ratio'
                ' of the hosts (replaces their cpu_allocation_ratio)'),
    P.Parameter('memoryovercommitratio', description='memory overcommit '
                'ratio of the hosts (replaces their ram_allocation_ratio)'),
))
def add_cluster(request):
    """Adds a cluster to a pod of a zone."""
    params = request.params
    zone = catalog.zone_name(request, params['zoneid'])
    pods = [p for p in cluster_api.pod_list(request.context)
            if p['uuid'] == params['podid']]
    if not pods or pods[0]['zone'] != zone:
        raise errors.InvalidParameter(
            'Unable to execute API command addcluster due to invalid value '
            '%s for parameter podid: no such pod in zone %s' % (
                params['podid'], zone))
    cluster = cluster_api.cluster_create(
        request.context, params['podid'], params['clustername'],
        hypervisor_type=_hypervisor_type(request),
        cpu_overcommit_ratio=parse_ratio(request, 'cpuovercommitratio'),
        mem_overcommit_ratio=parse_ratio(request, 'memoryovercommitratio'))
    return request_mod.listing([cluster_view(cluster)], 'cluster')


@command('updateCluster', role=ADMIN, response_object='cluster', params=(
    P.Parameter('id', P.UUID, 'the cluster ID', required=True),
    P.Parameter('clustername', description='a new name'),
    P.Parameter('cpuovercommitratio', description='CPU overcommit ratio;'
                ' applies to new deployments'),
    P.Parameter('memoryovercommitratio', description='memory overcommit '
                'ratio; applies to new deployments'),
))
def update_cluster(request):
    """Renames a cluster or changes its overcommit ratios; running VMs
    keep their claims (a lower ratio evicts nothing)."""
    values = {}
    if request.params['clustername']:
        values['name'] = request.params['clustername']
    for param, key in (('cpuovercommitratio', 'cpu_overcommit_ratio'),
                       ('memoryovercommitratio', 'mem_overcommit_ratio')):
        value = parse_ratio(request, param)
        if value is not None:
            values[key] = value
    cluster = cluster_api.cluster_update(request.context,
                                         request.params['id'], values)
    return {'cluster': cluster_view(cluster)}


@command('deleteCluster', role=ADMIN, params=(
    P.Parameter('id', P.UUID, 'the cluster ID', required=True),
))
def delete_cluster(request):
    """Deletes a cluster without hosts."""
    cluster_api.cluster_delete(request.context, request.params['id'])
    return {'success': True}


def deploy_placement(request, zone):
    """(placement, requested host) of deployVirtualMachine's admin
    hints ``podid``, ``clusterid`` and ``hostid``: ({'pod': uuid,
    'cluster': uuid} for ``compute_api.create``, host name or None); each
    must be in ``zone`` (a zone name; None: the default zone), the
    cluster in the pod and the host in the cluster when both are given.
    Admin only: the compute API's rule of a requested destination
    (policy ``compute:servers:create:requested_destination``).

    :raises: InvalidParameter (431) for an unknown or misplaced one;
        Forbidden for a non-admin
    """
    params, ctx = request.params, request.context
    if not (params['podid'] or params['clusterid'] or params['hostid']):
        return {}, None
    request.authorize(server_policies.REQUESTED_DESTINATION)
    # The create's zone is None for the default zone.
    zone = zone or request.conf.compute.default_availability_zone
    placement, host = {}, None
    if params['podid']:
        pods = [p for p in cluster_api.pod_list(ctx)
                if p['uuid'] == params['podid'] and p['zone'] == zone]
        _found(request, pods, 'podid')
        placement['pod'] = params['podid']
    if params['clusterid']:
        clusters = [c for c in cluster_api.cluster_list(ctx)
                    if c['uuid'] == params['clusterid'] and c['zone'] == zone
                    and placement.get('pod', c['pod_uuid']) == c['pod_uuid']]
        _found(request, clusters, 'clusterid')
        placement['cluster'] = params['clusterid']
    if params['hostid']:
        hosts = [h for h in cluster_api.hosts(ctx)
                 if h['uuid'] == params['hostid'] and h['zone'] == zone
                 and placement.get('cluster', _cluster_of(h)) ==
                 _cluster_of(h)]
        _found(request, hosts, 'hostid')
        host = hosts[0]['host']
    return placement, host


def _cluster_of(host):
    return (host['cluster'] or {}).get('uuid')


def _found(request, items, param):
    if not items:
        raise errors.InvalidParameter(
            'Unable to execute API command deployvirtualmachine due to '
            'invalid value %s for parameter %s: not found in the zone (or '
            'not in the pod/cluster given)' % (request.params[param], param))
