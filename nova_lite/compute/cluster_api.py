"""Pods, clusters and the cluster of each compute host for the APIs
(CloudStack's zone > pod > cluster > host, doc/cloudstack.md).

Handlers call these functions instead of ``nova_lite.db.topology``;
policy is the handler's. A zone is an availability zone
(``nova_lite.compute.topology``); records are the dicts of
``nova_lite.db.topology``. A compute host record of ``hosts`` is a
``host_api.compute_hosts`` record with ``cluster`` (the cluster dict or
None) and the ratios that claims use on it, ``effective_cpu_ratio`` and
``effective_ram_ratio`` (the cluster's overcommit ratios where set,
else the global ones (``global_ratios``) where set, else the node's
allocation ratios; ``compute_nodes.effective_ratios``).
"""
from nova_lite.compute import host_api
from nova_lite.compute import topology
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import topology as topology_db
from nova_lite import exception


def _check_ratio(name, value):
    if value is not None and not value > 0:
        raise exception.Invalid(reason='%s must be a positive number, not '
                                '%s' % (name, value))


def pod_create(context, zone, name, **network):
    """Create pod ``name`` in availability zone ``zone``; ``network``:
    optional gateway, netmask, start_ip, end_ip (str).

    :raises: Invalid (400) for an unknown zone; Conflict (409)
    """
    topology.check_availability_zone(context, zone)
    return topology_db.pod_create(context, zone, name, **network)


def pod_list(context):
    """Every pod (dicts), by id."""
    return topology_db.pod_get_all(context)


def pod_delete(context, pod_uuid):
    """:raises: PodNotFound (404); Conflict (409) while it has clusters"""
    topology_db.pod_delete(context, pod_uuid)


def cluster_create(context, pod_uuid, name, hypervisor_type=None,
                   cpu_overcommit_ratio=None, mem_overcommit_ratio=None):
    """Create a cluster in a pod; ratios are positive floats or None.

    :raises: PodNotFound (404); Invalid (400) for a ratio ≤ 0;
        Conflict (409) for a duplicate name in the pod
    """
    _check_ratio('cpuovercommitratio', cpu_overcommit_ratio)
    _check_ratio('memoryovercommitratio', mem_overcommit_ratio)
    return topology_db.cluster_create(
        context, pod_uuid, name, hypervisor_type=hypervisor_type,
        cpu_overcommit_ratio=cpu_overcommit_ratio,
        mem_overcommit_ratio=mem_overcommit_ratio)


def cluster_list(context):
    """Every cluster (dicts with pod_uuid, pod_name, zone), by id."""
    return topology_db.cluster_get_all(context)


def cluster_update(context, cluster_uuid, values):
    """Set name and/or ratios of a cluster; new claims use new ratios at
    once, running instances keep their claims.

    :raises: ClusterNotFound (404); Invalid (400) for a ratio ≤ 0
    """
    for key in ('cpu_overcommit_ratio', 'mem_overcommit_ratio'):
        _check_ratio(key, values.get(key))
    return topology_db.cluster_update(context, cluster_uuid, values)


def cluster_delete(context, cluster_uuid):
    """:raises: ClusterNotFound (404); Conflict (409) while hosts are in
    it"""
    topology_db.cluster_delete(context, cluster_uuid)


def host_set_cluster(context, host, cluster_uuid):
    """Move compute host ``host`` into a cluster of its zone.

    :raises: ClusterNotFound (404); Invalid (400) when the cluster's pod
        is in another zone than the host
    """
    cluster = topology_db.cluster_get(context, cluster_uuid)
    zones = {h['host']: h['zone'] for h in host_api.compute_hosts(context)}
    if zones.get(host) not in (None, cluster['zone']):
        raise exception.Invalid(
            reason='cluster %s is in zone %s, host %s in zone %s' % (
                cluster_uuid, cluster['zone'], host, zones[host]))
    return topology_db.host_set_cluster(context, host, cluster_uuid)


#: CloudStack's global ratio settings → (cluster column, node column).
RATIO_SETTINGS = {
    node_db.CPU_RATIO_SETTING: ('cpu_overcommit_ratio',
                                'cpu_allocation_ratio'),
    node_db.RAM_RATIO_SETTING: ('mem_overcommit_ratio',
                                'ram_allocation_ratio'),
}


def _effective(node, cluster, cloud):
    """``node`` with the ratios claims use on it: its cluster's, else
    the global ones (``cloud``: {setting name: float}), else its own."""
    ratios = {}
    for name, (column, own) in RATIO_SETTINGS.items():
        value = cluster and cluster[column]
        ratios[own] = value or cloud.get(name) or node[own]
    return dict(node, cluster=cluster,
                effective_cpu_ratio=ratios['cpu_allocation_ratio'],
                effective_ram_ratio=ratios['ram_allocation_ratio'])


def hosts(context):
    """Every compute host (``host_api.compute_hosts`` records) with
    ``cluster``, ``effective_cpu_ratio`` and ``effective_ram_ratio``."""
    clusters = topology_db.host_clusters(context)
    cloud = topology_db.global_settings(context)
    return [_effective(node, clusters.get(node['host']), cloud)
            for node in host_api.compute_hosts(context)]


def global_ratios(context):
    """``{setting name: float or None}`` of the global ratio settings
    (``RATIO_SETTINGS``; None: unset, each host's own ratio applies
    where its cluster sets none)."""
    cloud = topology_db.global_settings(context)
    return {name: cloud.get(name) for name in RATIO_SETTINGS}


def global_ratio_set(context, name, value):
    """Set (a positive float) or unset (None) a global ratio setting;
    new claims use it at once, running instances keep their claims.

    :raises: Invalid (400) for another name or a ratio ≤ 0
    """
    if name not in RATIO_SETTINGS:
        raise exception.Invalid(reason='unknown setting %s' % name[:255])
    _check_ratio(name, value)
    topology_db.global_setting_set(context, name, value)
