"""CloudStack clusters as host aggregates of the compute API
(os-aggregates), so that both APIs show one truth (doc/cloudstack.md,
"What the compute API sees").

Each live cluster is shown as a read-only aggregate built from the
``clusters``, ``pods`` and ``cluster_hosts`` rows whenever it is read
(nothing is copied, so nothing can drift):

* ``id``: ``ID_BASE`` + the cluster's row id (real aggregates have
  small ids); ``uuid``: the cluster's uuid (CloudStack's ``clusterid``);
* ``name``: ``cluster:<pod name>/<cluster name>`` (unique in a zone;
  real aggregates may not take the ``cluster:`` prefix);
* ``hosts``: the compute hosts of the cluster;
* ``metadata``: ``cpu_allocation_ratio`` / ``ram_allocation_ratio`` (the
  cluster's overcommit ratios, the ones claims use on its hosts; absent
  when the cluster has none: the hosts' own ``[compute]`` ratios, or
  the global ``cpu.overcommit.ratio``/``mem.overcommit.ratio``, apply),
  ``cloudstack:zone``, ``cloudstack:pod``, ``cloudstack:pod_id`` and
  ``hypervisor_type`` where known;
* ``availability_zone``: None (the zone is its hosts', shown by
  os-availability-zone; a cluster defines none).

Changing one through os-aggregates is a 400: clusters change through
the CloudStack commands (addCluster, updateCluster, updateHost
clusterid, deleteCluster).
"""
from nova_lite.db import topology as topology_db
from nova_lite import exception

#: Aggregate id of the cluster whose row id is 0.
ID_BASE = 1000000000
#: Name prefix of cluster aggregates.
PREFIX = 'cluster:'


def is_cluster_id(aggregate_id):
    """True when ``aggregate_id`` (as the URL has it) is a cluster's."""
    try:
        return int(aggregate_id) > ID_BASE
    except (TypeError, ValueError):
        return False


def _aggregate(cluster, hosts):
    metadata = {'cloudstack:zone': cluster['zone'],
                'cloudstack:pod': cluster['pod_name'],
                'cloudstack:pod_id': cluster['pod_uuid']}
    for key, column in (('cpu_allocation_ratio', 'cpu_overcommit_ratio'),
                        ('ram_allocation_ratio', 'mem_overcommit_ratio')):
        if cluster[column] is not None:
            metadata[key] = '%g' % cluster[column]
    if cluster['hypervisor_type']:
        metadata['hypervisor_type'] = cluster['hypervisor_type']
    return {'id': ID_BASE + cluster['id'], 'uuid': cluster['uuid'],
            'name': '%s%s/%s' % (PREFIX, cluster['pod_name'],
                                 cluster['name']),
            'availability_zone': None, 'hosts': sorted(hosts),
            'metadata': metadata, 'created_at': cluster['created_at'],
            'updated_at': cluster['updated_at'], 'deleted_at': None,
            'deleted': False}


def aggregates(context):
    """The aggregate dicts of every live cluster, by id; two SELECTs."""
    members = {}
    for host, cluster in topology_db.host_clusters(context).items():
        members.setdefault(cluster['uuid'], []).append(host)
    return [_aggregate(c, members.get(c['uuid'], ()))
            for c in topology_db.cluster_get_all(context)]


def get(context, aggregate_id):
    """The cluster aggregate ``aggregate_id``.

    :raises: AggregateNotFound (404)
    """
    for aggregate in aggregates(context):
        if str(aggregate['id']) == str(aggregate_id):
            return aggregate
    raise exception.AggregateNotFound(aggregate_id=aggregate_id)


def refuse_change(context, aggregate_id, action):
    """Refuse an os-aggregates change of a cluster aggregate.

    :raises: AggregateNotFound (404) for an unknown one;
        InvalidAggregateAction (400) for a cluster's
    """
    aggregate = get(context, aggregate_id)
    raise exception.InvalidAggregateAction(
        action=action, aggregate_id=aggregate_id,
        reason='it is CloudStack cluster %s (read-only here: change it '
               'with addCluster, updateCluster, updateHost clusterid or '
               'deleteCluster)' % aggregate['name'][len(PREFIX):])


def check_name(name):
    """:raises: Invalid (400) for a real aggregate name taking the
    cluster aggregates' prefix"""
    if name and name.lower().startswith(PREFIX):
        raise exception.Invalid(reason='aggregate names starting with %s '
                                'are reserved for CloudStack clusters'
                                % PREFIX)
