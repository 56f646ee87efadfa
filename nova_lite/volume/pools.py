"""Storage pools: CloudStack's primary storage over the volume service
(doc/cloudstack.md, "Primary storage").

A pool is a directory of one volume service host (several pools may
share a host) with a capacity in GiB and an over-provisioning factor
(its volumes may add up to ``capacity_gb * over_provisioning``). Its
scope is CLUSTER (``cluster_uuid`` set: the hosts of that cluster share
it, as CloudStack's primary storage of a cluster) or ZONE.

Every volume service host also has its **default pool** (scope ZONE,
``[volume] volumes_dir``, ``[volume] capacity_gb`` times
``max_over_subscription_ratio``): the one storage of a clusterless
setup, shown by listStoragePools but never stored; its id is
``default_pool_id(host)``.

Where a volume goes (``candidates``), for the cluster of the VM it is
made for (or attached to): the Up pools of that cluster whose service
is up; none there: the zone's Up ZONE-scope pools; none either: the
default pools (``None``: the volume API's choice among the up hosts, as
before pools). Among pools of one level, the most free GiB first (the
claim of a full one fails and the next is tried).
"""
import uuid as uuidlib

from oslo_config import cfg

from nova_lite import availability_zones
from nova_lite.db import services as service_db
from nova_lite.db import storage_pools as pool_db
from nova_lite.db import topology as topology_db
from nova_lite.db import volume_quotas
from nova_lite import servicegroup
from nova_lite.volume import errors

CONF = cfg.CONF

UP, MAINTENANCE, DISABLED = 'Up', 'Maintenance', 'Disabled'
STATES = (UP, MAINTENANCE, DISABLED)
CLUSTER, ZONE = 'CLUSTER', 'ZONE'
#: CloudStack pool type of a directory of the volume service host.
POOL_TYPE = 'Filesystem'
_NAMESPACE = uuidlib.UUID('6f1d0d52-5d8e-4d6e-9d4b-2f0e6c0b7a11')


#: GiB a pool may allocate: ``capacity_gb * over_provisioning``.
limit_gb = pool_db.limit_gb


def default_pool_id(host):
    """The stable uuid of volume service ``host``'s default pool."""
    return str(uuidlib.uuid5(_NAMESPACE, 'default-pool:%s' % host))


def scope(pool):
    """CLUSTER or ZONE."""
    return CLUSTER if pool.get('cluster_uuid') else ZONE


def _default_pools(context, services):
    capacity = CONF.volume.capacity_gb
    ratio = CONF.volume.max_over_subscription_ratio
    pools = []
    for service in services:
        usage = volume_quotas.usage(
            context, volume_quotas.host_key(service['host']))
        pools.append({
            'uuid': default_pool_id(service['host']),
            'name': '%s-default' % service['host'], 'host': service['host'],
            'path': CONF.volume.volumes_dir,
            'zone': availability_zones.default_zone(), 'pod_uuid': None,
            'cluster_uuid': None, 'capacity_gb': capacity,
            'over_provisioning': ratio,
            'state': DISABLED if service.get('disabled') else UP,
            'allocated_gb': int(usage.get('gigabytes', 0)),
            'default': True})
    return pools


def _volume_services(context):
    return service_db.service_get_all(context, binary=servicegroup.VOLUME)


def pool_list(context):
    """Every pool: the stored ones (by id), then the default pool of
    each volume service host. Dicts of ``storage_pools`` columns with
    ``allocated_gb``, ``default`` (bool) and ``service_up`` (bool)."""
    services = _volume_services(context)
    up = {s['host'] for s in services if servicegroup.is_up(s)}
    pools = [dict(p, default=False) for p in pool_db.pool_get_all(context)]
    pools += _default_pools(context, services)
    for pool in pools:
        pool['service_up'] = pool['host'] in up
    return pools


def pool_get(context, pool_uuid):
    """One pool of ``pool_list``.

    :raises: StoragePoolNotFound (404)
    """
    for pool in pool_list(context):
        if pool['uuid'] == pool_uuid:
            return pool
    raise errors.StoragePoolNotFound(pool_id=pool_uuid)


def free_gb(pool):
    """GiB a pool may still allocate (never below 0)."""
    return max(pool_db.limit_gb(pool) - pool['allocated_gb'], 0)


def _usable(pool):
    return pool['state'] == UP and pool['service_up']


def candidates(context, cluster_uuid=None, zone=None):
    """The pools a new volume of ``cluster_uuid``'s VMs (or of ``zone``)
    may go to, in the order to try (see the module doc), and the level
    they are of.

    :returns: (level text, [pool dicts]); ``(None, None)`` when no
        stored pool applies (the default pools: the volume API picks an
        up host as before)
    """
    stored = [p for p in pool_db.pool_get_all(context)]
    if not stored:
        return None, None
    up = {s['host'] for s in _volume_services(context)
          if servicegroup.is_up(s) and not s.get('disabled')}
    for pool in stored:
        pool['service_up'] = pool['host'] in up
    zone = zone or availability_zones.default_zone()
    if cluster_uuid:
        mine = [p for p in stored if p['cluster_uuid'] == cluster_uuid]
        if mine:
            return ('cluster %s' % cluster_uuid,
                    _ordered([p for p in mine if _usable(p)]))
    wide = [p for p in stored if not p['cluster_uuid'] and p['zone'] == zone]
    if wide:
        return 'zone %s' % zone, _ordered([p for p in wide if _usable(p)])
    return None, None


def usable_pool(context, pool_uuid):
    """Stored pool ``pool_uuid`` when it is Up with its service up.

    :raises: StoragePoolNotFound (404; a default pool too: name none to
        use it); Invalid (400) when it takes no volume now
    """
    pool = pool_db.pool_get(context, pool_uuid)
    services = {s['host']: s for s in _volume_services(context)}
    service = services.get(pool['host'])
    pool['service_up'] = bool(service and servicegroup.is_up(service) and
                              not service.get('disabled'))
    if not _usable(pool):
        raise errors.Invalid(reason='storage pool %s is %s' % (
            pool['name'], pool['state'] if pool['state'] != UP
            else 'Down (its volume service is not up)'))
    return pool


def _ordered(pools):
    return sorted(pools, key=lambda p: (-free_gb(p), p['id']))


def cluster_of_host(context, host):
    """The uuid of compute ``host``'s cluster, or None."""
    cluster = topology_db.host_clusters(context).get(host) if host else None
    return cluster['uuid'] if cluster else None


def no_room(level, pools, size):
    """The StorageCapacityExceeded of a ``size`` GiB volume no pool of
    ``level`` could take."""
    detail = '; '.join('pool %s: %d of %d GiB allocated' % (
        p['name'], p['allocated_gb'], pool_db.limit_gb(p)) for p in pools)
    return errors.StorageCapacityExceeded(reason='no storage pool of %s '
                                          'has room for %d GiB (%s)' % (
                                              level, size,
                                              detail or 'no pool is Up'))


def cluster_free_gb(context):
    """``{cluster uuid: GiB the roomiest Up pool of it may still
    allocate}`` for the clusters that have pools (the scheduler's
    storage level); four SELECTs (pools, their usage and volume
    counts, services)."""
    level = {}
    services = {s['host']: s for s in _volume_services(context)}
    for pool in pool_db.pool_get_all(context):
        service = services.get(pool['host'])
        if not pool['cluster_uuid']:
            continue
        room = free_gb(pool) if pool['state'] == UP and service and \
            servicegroup.is_up(service) and not service.get('disabled') \
            else 0
        level[pool['cluster_uuid']] = max(level.get(pool['cluster_uuid'],
                                                    0), room)
    return level


def create(context, name, host, zone, capacity_gb, path=None,
           pod_uuid=None, cluster_uuid=None, over_provisioning=None):
    """Create a pool: directory ``path`` (default ``<[volume]
    volumes_dir>/pool-<name>``) of volume service ``host``.

    :raises: Invalid (400) for an unknown volume host, a capacity < 1,
        a factor < 1 or a relative path; Conflict (409) for a taken name
    """
    if host not in {s['host'] for s in _volume_services(context)}:
        raise errors.Invalid(reason='%s is not a volume service host'
                             % host)
    _check_numbers(capacity_gb, over_provisioning)
    if path is not None and not path.startswith('/'):
        raise errors.Invalid(reason='the pool path must be absolute')
    return pool_db.pool_create(context, {
        'uuid': str(uuidlib.uuid4()), 'name': name, 'host': host,
        'path': path or '%s/pool-%s' % (CONF.volume.volumes_dir, name),
        'zone': zone, 'pod_uuid': pod_uuid, 'cluster_uuid': cluster_uuid,
        'capacity_gb': capacity_gb,
        'over_provisioning': over_provisioning or 1.0, 'state': UP})


def _check_numbers(capacity_gb, over_provisioning):
    if capacity_gb is not None and (isinstance(capacity_gb, bool) or
                                    capacity_gb < 1):
        raise errors.Invalid(reason='capacity must be at least 1 GiB')
    if over_provisioning is not None and not over_provisioning >= 1.0:
        raise errors.Invalid(reason='over-provisioning must be at least 1')


def update(context, pool_uuid, values):
    """Set name, capacity_gb, over_provisioning and/or state of a stored
    pool; a smaller limit than what is allocated takes nothing away (new
    volumes just stop fitting).

    :raises: StoragePoolNotFound; Invalid (400) for bad numbers, an
        unknown state, or a default pool (configured, not stored)
    """
    if pool_uuid in {default_pool_id(s['host'])
                     for s in _volume_services(context)}:
        raise errors.Invalid(reason='a default pool is set by [volume] '
                             'capacity_gb and max_over_subscription_ratio')
    _check_numbers(values.get('capacity_gb'), values.get('over_provisioning'))
    if values.get('state') not in (None,) + STATES:
        raise errors.Invalid(reason='state must be one of %s'
                             % ', '.join(STATES))
    return pool_db.pool_update(context, pool_uuid, values)


def delete(context, pool_uuid):
    """:raises: StoragePoolNotFound; Conflict (409) while it holds
    volumes"""
    pool_db.pool_delete(context, pool_uuid)
