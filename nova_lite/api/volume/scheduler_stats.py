"""Back-end storage pools of the Block Storage API (Block Storage API
reference v3, "Back-end storage pools"): ``GET /scheduler-stats/
get_pools`` (``?detail=true`` adds the capabilities), admins only
(Cinder's ``scheduler_extension:scheduler_stats:get_pools``).

The pools are CloudStack's primary storage (``nova_lite.volume.pools``,
listStoragePools shows the same ones): each is named as a volume's
``os-vol-host-attr:host`` is, ``<host>@file#<pool name>`` (``#file``:
the host's default pool). Capacities are GiB.
"""
import flask

from nova_lite.api.volume import common
from nova_lite.policies import volume as volume_policies
from nova_lite.volume import pools

bp = flask.Blueprint('volume_scheduler_stats', __name__,
                     url_prefix='/volume/v3/<project_id>')


def pool_name(pool):
    """``host@file#name``; ``host@file#file`` for a default pool."""
    return '%s@file#%s' % (pool['host'], 'file' if pool['default']
                           else pool['name'])


def capabilities(pool):
    """Cinder's pool capabilities, plus where the pool serves
    (``cloudstack_scope``, ``cloudstack_cluster_id``, the pool's
    ``storage_pool_id``)."""
    return {
        'pool_name': 'file' if pool['default'] else pool['name'],
        'volume_backend_name': 'file', 'vendor_name': 'nova_lite',
        'driver_version': '1.0', 'storage_protocol': 'nbd',
        'total_capacity_gb': pool['capacity_gb'],
        'free_capacity_gb': pools.free_gb(pool),
        'allocated_capacity_gb': pool['allocated_gb'],
        'max_over_subscription_ratio': '%g' % pool['over_provisioning'],
        'thin_provisioning_support': True,
        'thick_provisioning_support': False, 'reserved_percentage': 0,
        'backend_state': 'up' if pool['service_up'] and
        pool['state'] == pools.UP else 'down',
        'storage_pool_id': pool['uuid'],
        'cloudstack_scope': pools.scope(pool),
        'cloudstack_cluster_id': pool['cluster_uuid'],
    }


@bp.get('/scheduler-stats/get_pools')
def get_pools(project_id):
    ctx = common.context()
    common.authorize(ctx, volume_policies.GET_POOLS)
    detail = (flask.request.args.get('detail') or '').lower() in (
        'true', '1', 'yes')
    body = []
    for pool in pools.pool_list(ctx):
        item = {'name': pool_name(pool)}
        if detail:
            item['capabilities'] = capabilities(pool)
        body.append(item)
    return {'pools': body}
