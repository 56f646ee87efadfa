"""Primary storage commands (CloudStack API reference, "Pool"):
listStoragePools, createStoragePool, updateStoragePool and
deleteStoragePool, admin only, over ``nova_lite.volume.pools``.

A storage pool is a directory of a volume service host, scoped to a
cluster (its VMs' volumes live there) or to a zone; every volume service
host also has its default pool (scope ZONE, not stored: ``[volume]``
options). Sizes are bytes in the responses (GiB in the engine);
``disksizeallocated`` is what the pool's volumes claim,
``disksizetotal`` its capacity and ``overprovisionfactor`` how far
allocations may pass it (doc/cloudstack.md, "Primary storage").
"""
from urllib import parse

from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.commands import catalog
from nova_lite.api.cloudstack.registry import ADMIN
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.compute import cluster_api
from nova_lite.policies import volume as volume_policies
from nova_lite.volume import pools

GIB = 1024 ** 3
#: URL schemes createStoragePool accepts: a directory of a volume host.
SCHEMES = ('file', 'filesystem')


def pool_view(pool, clusters):
    """The storagepool response of a ``pools.pool_list`` dict;
    ``clusters``: {uuid: cluster dict} (names of pod and cluster)."""
    cluster = clusters.get(pool['cluster_uuid']) or {}
    pod_uuid = pool['pod_uuid'] or cluster.get('pod_uuid')
    pod_name = cluster.get('pod_name') or next(
        (c['pod_name'] for c in clusters.values()
         if c['pod_uuid'] == pod_uuid), '')
    return {
        'id': pool['uuid'], 'name': pool['name'],
        'zoneid': views.zone_id(pool['zone']), 'zonename': pool['zone'],
        'podid': pod_uuid or '', 'podname': pod_name if pod_uuid else '',
        'clusterid': pool['cluster_uuid'] or '',
        'clustername': cluster.get('name', ''),
        'type': pools.POOL_TYPE, 'scope': pools.scope(pool),
        'ipaddress': pool['host'], 'path': pool['path'],
        'state': pool['state'] if pool['service_up'] else 'Down',
        'disksizetotal': pool['capacity_gb'] * GIB,
        'disksizeallocated': pool['allocated_gb'] * GIB,
        'disksizeused': pool['allocated_gb'] * GIB,
        'overprovisionfactor': '%g' % pool['over_provisioning'],
        'hypervisor': 'KVM', 'provider': 'DefaultPrimary',
        'storagecapabilities': {'VOLUME_SNAPSHOT_QUIESCEVM': 'false'},
        'hastagsupport': False, 'tags': '',
    }


def _clusters(request):
    return {c['uuid']: c for c in cluster_api.cluster_list(request.context)}


@command('listStoragePools', role=ADMIN, response_object='storagepool',
         listing=True, params=(
             P.Parameter('id', P.UUID, 'the storage pool ID'),
             P.Parameter('name', description='the storage pool name'),
             P.Parameter('zoneid', P.UUID, 'pools of this zone'),
             P.Parameter('podid', P.UUID, 'pools of this pod'),
             P.Parameter('clusterid', P.UUID, 'pools of this cluster'),
             P.Parameter('ipaddress', description='pools of this volume '
                         'service host'),
             P.Parameter('scope', choices=('cluster', 'zone'),
                         description='CLUSTER or ZONE'),
             P.Parameter('status', description='Up, Maintenance, '
                         'Disabled or Down'),
         ))
def list_storage_pools(request):
    """Lists the storage pools (primary storage) with their capacity."""
    request.authorize(volume_policies.GET_POOLS)
    clusters = _clusters(request)
    found = [pool_view(p, clusters)
             for p in pools.pool_list(request.context)]
    params = request.params
    keyword = (params['keyword'] or '').lower()
    wanted = {f: params[f] for f in ('id', 'name', 'zoneid', 'podid',
                                     'clusterid', 'ipaddress')
              if params[f]}
    found = [p for p in found if keyword in p['name'].lower()
             and all(p[f] == v for f, v in wanted.items())
             and (not params['scope'] or p['scope'].lower() ==
                  params['scope'].lower())
             and (not params['status'] or p['state'].lower() ==
                  params['status'].lower())]
    page, total = request_mod.paginate(request, found)
    return request_mod.listing(page, 'storagepool', total)


def _invalid(request, param, value, reason):
    return errors.InvalidParameter(
        'Unable to execute API command %s due to invalid value %s for '
        'parameter %s: %s' % (request.command.name.lower(), value, param,
                              reason))


def parse_url(request):
    """(volume service host, absolute directory or None) of the ``url``
    parameter, ``file://HOST/PATH`` (or ``filesystem://``).

    :raises: InvalidParameter (431)
    """
    url = request.params['url']
    parts = parse.urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise _invalid(request, 'url', url, 'file://HOST/PATH is expected '
                       '(HOST a volume service host)')
    return parts.hostname, parts.path if parts.path not in ('', '/') \
        else None


def _capacity_gb(request):
    """GiB of ``capacitybytes`` (rounded down; None when absent).

    :raises: InvalidParameter below 1 GiB
    """
    value = request.params['capacitybytes']
    if value is None:
        return None
    if value < GIB:
        raise _invalid(request, 'capacitybytes', value, 'at least 1 GiB '
                       '(1073741824) is expected')
    return value // GIB


def _factor(request):
    value = request.params['overprovisionfactor']
    if value is None or value == '':
        return None
    try:
        factor = float(value)
    except ValueError:
        factor = 0.0
    if not 1.0 <= factor < float('inf'):
        raise _invalid(request, 'overprovisionfactor', value,
                       'a number of at least 1 is expected')
    return factor


def _scope(request, zone):
    """(pod uuid, cluster uuid) of the pool's scope.

    :raises: InvalidParameter for a cluster or pod of another zone, or
        scope cluster without clusterid
    """
    params = request.params
    scope = (params['scope'] or ('cluster' if params['clusterid']
                                 else 'zone')).lower()
    if scope == 'zone':
        return None, None
    clusters = [c for c in cluster_api.cluster_list(request.context)
                if c['uuid'] == params['clusterid'] and c['zone'] == zone]
    if not clusters:
        raise _invalid(request, 'clusterid', params['clusterid'],
                       'a cluster of the zone is required for scope '
                       'cluster')
    if params['podid'] and params['podid'] != clusters[0]['pod_uuid']:
        raise _invalid(request, 'podid', params['podid'], 'the cluster is '
                       'in pod %s' % clusters[0]['pod_uuid'])
    return clusters[0]['pod_uuid'], clusters[0]['uuid']


@command('createStoragePool', role=ADMIN, response_object='storagepool',
         params=(
             P.Parameter('name', description='the storage pool name',
                         required=True),
             P.Parameter('url', description='file://HOST/PATH: directory '
                         'PATH of volume service HOST (PATH optional)',
                         required=True),
             P.Parameter('zoneid', P.UUID, 'the zone', required=True),
             P.Parameter('podid', P.UUID, 'the pod (scope cluster)'),
             P.Parameter('clusterid', P.UUID, 'the cluster whose VMs use '
                         'it (scope cluster)'),
             P.Parameter('scope', choices=('cluster', 'zone'),
                         description='cluster (default with clusterid) or '
                         'zone'),
             P.Parameter('capacitybytes', P.LONG, 'capacity (default '
                         '[volume] capacity_gb)'),
             P.Parameter('overprovisionfactor', description='allocations '
                         'may reach capacity times this (default 1)'),
             P.Parameter('hypervisor', description='KVM'),
             P.Parameter('provider', description='DefaultPrimary'),
             P.Parameter('tags', description='ignored'),
         ))
def create_storage_pool(request):
    """Creates a storage pool (primary storage) of a cluster or zone."""
    request.authorize(volume_policies.MANAGE_POOLS)
    params = request.params
    zone = catalog.zone_name(request, params['zoneid'])
    host, path = parse_url(request)
    pod_uuid, cluster_uuid = _scope(request, zone)
    capacity = _capacity_gb(request) or request.conf.volume.capacity_gb
    pool = pools.create(request.context, params['name'], host, zone,
                        capacity, path=path, pod_uuid=pod_uuid,
                        cluster_uuid=cluster_uuid,
                        over_provisioning=_factor(request))
    pool = pools.pool_get(request.context, pool['uuid'])
    return {'storagepool': pool_view(pool, _clusters(request))}


@command('updateStoragePool', role=ADMIN, response_object='storagepool',
         params=(
             P.Parameter('id', P.UUID, 'the storage pool ID', required=True),
             P.Parameter('name', description='a new name'),
             P.Parameter('capacitybytes', P.LONG, 'a new capacity; '
                         'allocations above it stay'),
             P.Parameter('overprovisionfactor', description='a new '
                         'over-provisioning factor'),
             P.Parameter('enabled', P.BOOLEAN, 'false: Disabled (takes '
                         'no new volume), true: Up'),
         ))
def update_storage_pool(request):
    """Renames a storage pool, or changes its capacity,
    over-provisioning factor or state; its volumes stay."""
    request.authorize(volume_policies.MANAGE_POOLS)
    params = request.params
    values = {'name': params['name'] or None,
              'capacity_gb': _capacity_gb(request),
              'over_provisioning': _factor(request),
              'state': None if params['enabled'] is None else
              pools.UP if params['enabled'] else pools.DISABLED}
    pools.update(request.context, params['id'],
                 {k: v for k, v in values.items() if v is not None})
    pool = pools.pool_get(request.context, params['id'])
    return {'storagepool': pool_view(pool, _clusters(request))}


@command('deleteStoragePool', role=ADMIN, params=(
    P.Parameter('id', P.UUID, 'the storage pool ID', required=True),
))
def delete_storage_pool(request):
    """Deletes a storage pool that holds no volume."""
    request.authorize(volume_policies.MANAGE_POOLS)
    pools.delete(request.context, request.params['id'])
    return {'success': True}
