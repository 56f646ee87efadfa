"""SQL of the scheduler's bounded candidate set: the compute nodes that
pass the cheap filters, ranked in the database by the request's active
weighers (or by a CloudStack deployment planner's order), at most
``limit`` of them, with their aggregate metadata; one statement.

Why: reading every node and weighing it in Python costs the scheduler
time per request in proportion to the number of hosts (row decoding is
most of it). Ranking in SQL and reading only the best ``limit`` keeps
that cost flat, as Nova's ``[scheduler] max_placement_results`` bounds
what placement returns. The ranking is the weighers' own arithmetic over
the whole prefiltered set (``nova_lite.scheduler.weights.weigh_hosts``:
each value normalised to 0..1 by the set's minimum and maximum, times
the multiplier, summed; ties by node id), so the best hosts read are the
best hosts of the whole set.

Units: vCPUs, MiB, GiB; times naive UTC.
"""
import functools

import sqlalchemy as sa

from nova_lite.db import compute_nodes
from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite import servicegroup

#: Values a weigher can rank by in SQL (``CandidateQuery.weights``).
WEIGHT_KEYS = ('free_ram_mb', 'free_vcpus', 'free_disk_gb', 'group_members')
#: Planners ranked in SQL, with the level they plan by.
PLANNER_LEVELS = {'FirstFitPlanner': 'cluster',
                  'UserDispersingPlanner': 'cluster',
                  'UserConcentratedPodPlanner': 'pod'}


class CandidateQuery:
    """What one request asks of the candidate query (plain attributes,
    each None or empty when the request does not constrain it):

    resources: (vcpus, memory MiB, disk GiB) the node must have room for;
    zone: availability zone (``default_zone``: the zone of a host in no
    zone aggregate); hosts_in: host names the node must be one of;
    hosts_out: host names it must not be; nodename: its hypervisor
    hostname; hypervisor_types: lower-case hypervisor types it must have
    one of; pod, cluster: uuids it must be in; weights: ((multiplier,
    key), ...) with keys of ``WEIGHT_KEYS``, the active weighers;
    group_members: {host: members of the request's server group} (the
    ``group_members`` value, 0 elsewhere); planner: a key of
    ``PLANNER_LEVELS``; project_id: the account whose instances per host
    the account planners count (``project_instances`` of each node).
    """

    def __init__(self, **values):
        self.resources = None
        self.zone = None
        self.default_zone = 'nova'
        self.hosts_in = None
        self.hosts_out = frozenset()
        self.nodename = None
        self.hypervisor_types = None
        self.pod = None
        self.cluster = None
        self.weights = ()
        self.group_members = None
        self.planner = None
        self.project_id = None
        for key, value in values.items():
            if not hasattr(self, key):
                raise TypeError('unknown candidate query field %s' % key)
            setattr(self, key, value)

    def zone_mode(self):
        """None, 'default' (the default zone) or 'named'."""
        if not self.zone:
            return None
        return 'default' if self.zone == self.default_zone else 'named'

    def shape(self):
        """What the statement's text depends on (its cache key), or None
        when it cannot be cached (server group weights: one CASE term per
        host holding a member)."""
        if any(key == 'group_members' for _mult, key in self.weights):
            return None
        return (bool(self.resources), self.zone_mode(),
                self.hosts_in is not None, bool(self.hosts_out),
                self.nodename is not None, self.hypervisor_types is not None,
                self.pod is not None, self.cluster is not None,
                tuple(self.weights), self.planner, self.project_id is not None)


def host_candidates(context, query, limit=None, now=None):
    """The best nodes for ``query`` (a CandidateQuery), best first.

    :param limit: at most this many nodes (None: all that pass)
    :param now: naive UTC time of the "service is up" test (default now)
    :returns: (nodes, truncated): dicts as
        ``compute_nodes.compute_nodes_for_scheduling`` returns them, plus
        ``project_instances`` when ``query.project_id`` is set; and
        whether more nodes passed than ``limit``
    """
    params = servicegroup.window_params(now)
    params.update(_params(query))
    params['limit'] = (limit + 1) if limit is not None else None
    shape, limited = query.shape(), limit is not None
    statement = (_cached_statement(shape, limited) if shape is not None
                 else _statement(query, limited))
    with reader(context) as session:
        rows = session.execute(statement, params).all()
    nodes = compute_nodes.nodes_with_metadata(rows, drop=_RANK_COLUMNS)
    truncated = limit is not None and len(nodes) > limit
    return nodes[:limit] if truncated else nodes, truncated


def _params(query):
    params = {}
    if query.resources:
        params.update(zip(('req_vcpus', 'req_memory_mb', 'req_disk_gb'),
                          query.resources, strict=True))
    if query.zone:
        params['zone'] = query.zone
    for name in ('hosts_in', 'hosts_out', 'hypervisor_types'):
        value = getattr(query, name)
        if value is not None:
            params[name] = sorted(value)
    for name in ('nodename', 'pod', 'cluster', 'project_id'):
        if getattr(query, name) is not None:
            params[name] = getattr(query, name)
    return params


@functools.lru_cache(maxsize=64)
def _cached_statement(shape, limited):
    (resources, zone_mode, hosts_in, hosts_out, nodename, hv_types, pod,
     cluster, weights, planner, project) = shape
    query = CandidateQuery(
        resources=resources or None, hosts_in=() if hosts_in else None,
        hosts_out=('x',) if hosts_out else (), weights=weights,
        nodename='' if nodename else None,
        hypervisor_types=() if hv_types else None,
        pod='' if pod else None, cluster='' if cluster else None,
        planner=planner, project_id='' if project else None)
    return _statement(query, limited, zone_mode)


def _statement(query, limited, zone_mode=None):
    """SELECT nodes ranked by ``query`` (see module doc); LIMIT the bound
    parameter ``limit`` when ``limited``."""
    if zone_mode is None:
        zone_mode = query.zone_mode()
    scored = _scored(_base(query, zone_mode), query)
    ranked, keys = _ranked(scored, query.planner)
    top = sa.select(ranked).order_by(*keys(ranked))
    if limited:
        top = top.limit(sa.bindparam('limit', type_=sa.Integer))
    top = top.subquery('top')
    meta = compute_nodes.aggregate_metadata_subquery().subquery()
    return (sa.select(top, meta.c.key.label('meta_key'),
                      meta.c.value.label('meta_value'))
            .outerjoin(meta, meta.c.host == top.c.host)
            .order_by(*keys(top)))


#: Columns of the ranking, not returned in the node dicts.
_RANK_COLUMNS = ('cluster_key', 'pod_key', 'score', 'host_order',
                 'group_order', 'group_order2', 'group_first', 'group_key')


def _base(query, zone_mode):
    """The prefiltered nodes with their free amounts (subquery)."""
    node, svc = models.ComputeNode.__table__, models.Service.__table__
    member = models.ClusterHost.__table__
    cluster, pod = models.Cluster.__table__, models.Pod.__table__
    columns = [node.c.id, node.c.host, node.c.hypervisor_hostname,
               node.c.hypervisor_type, *compute_nodes.free_amounts(node),
               cluster.c.uuid.label('cluster_uuid'),
               pod.c.uuid.label('pod_uuid'),
               cluster.c.id.label('cluster_key'), pod.c.id.label('pod_key'),
               svc.c.id.label('service_id'), svc.c.disabled,
               servicegroup.sql_is_up(svc.c).label('up')]
    if query.project_id is not None:
        columns.append(_project_instances(node).label('project_instances'))
    terms = compute_nodes.scheduling_predicates(bool(query.resources),
                                                zone_mode)
    terms += _request_terms(query, node, cluster, pod)
    return (sa.select(*columns)
            .join(svc, sa.and_(svc.c.host == node.c.host,
                               svc.c.binary == servicegroup.COMPUTE,
                               svc.c.deleted == 0))
            .outerjoin(member, member.c.host == node.c.host)
            .outerjoin(cluster, sa.and_(cluster.c.id == member.c.cluster_id,
                                        cluster.c.deleted == 0))
            .outerjoin(pod, pod.c.id == cluster.c.pod_id)
            .where(node.c.deleted == 0, *terms).subquery('base'))


def _request_terms(query, node, cluster, pod):
    """WHERE terms of the hosts, node, hypervisor types, pod and cluster
    a request is limited to (bound parameters of the same names)."""
    terms = []
    if query.hosts_in is not None:
        terms.append(node.c.host.in_(sa.bindparam('hosts_in',
                                                  expanding=True)))
    if query.hosts_out:
        terms.append(node.c.host.not_in(sa.bindparam('hosts_out',
                                                     expanding=True)))
    if query.nodename is not None:
        terms.append(node.c.hypervisor_hostname == sa.bindparam('nodename'))
    if query.hypervisor_types is not None:
        terms.append(sa.func.lower(sa.func.trim(node.c.hypervisor_type)).in_(
            sa.bindparam('hypervisor_types', expanding=True)))
    if query.pod is not None:
        terms.append(pod.c.uuid == sa.bindparam('pod'))
    if query.cluster is not None:
        terms.append(cluster.c.uuid == sa.bindparam('cluster'))
    return terms


def _project_instances(node):
    """Instances of the bound ``project_id`` holding a claim on a node of
    ``node``'s host (``topology.project_instance_hosts`` per host)."""
    alloc, inst = models.Allocation.__table__, models.Instance.__table__
    other = models.ComputeNode.__table__.alias('project_node')
    return (sa.select(sa.func.count(alloc.c.id)).select_from(alloc)
            .join(inst, inst.c.uuid == alloc.c.instance_uuid)
            .join(other, other.c.id == alloc.c.compute_node_id)
            .where(other.c.host == node.c.host,
                   inst.c.project_id == sa.bindparam('project_id'),
                   inst.c.deleted == 0)
            .scalar_subquery())


def _weight_value(base, key, group_members):
    if key == 'group_members':
        whens = [(base.c.host == host, count)
                 for host, count in sorted((group_members or {}).items())]
        return sa.case(*whens, else_=0) if whens else sa.literal(0)
    return base.c[key]


def _scored(base, query):
    """``base`` with ``score``: the weighers' normalised sum (0 when no
    weigher is active or every value is equal)."""
    terms = []
    for multiplier, key in query.weights:
        if key not in WEIGHT_KEYS:
            raise ValueError('weight key %s not one of %s' % (
                key, ', '.join(WEIGHT_KEYS)))
        value = sa.cast(_weight_value(base, key, query.group_members),
                        sa.Float)
        low = sa.func.min(value).over()
        span = sa.func.max(value).over() - low
        terms.append(sa.func.coalesce(
            sa.literal(float(multiplier)) * (value - low) /
            sa.func.nullif(span, 0), 0))
    score = functools.reduce(lambda a, b: a + b, terms) if terms \
        else sa.cast(sa.literal(0), sa.Float)
    return sa.select(base, score.label('score')).subquery('scored')


def _ranked(scored, planner):
    """(subquery with the planner's group columns, keys(table) → ORDER BY
    terms). Without a planner: score, best first, then node id.

    With one, the order of ``planners``: groups (clusters, or pods for
    UserConcentratedPodPlanner) by the planner's key over the group's
    hosts, ties in the order of their best host; hosts in no group
    last; inside a group the weighers' order (UserDispersingPlanner:
    hosts with fewer of the account's instances first)."""
    if planner is None:
        return scored, lambda t: [t.c.score.desc(), t.c.id]
    level = PLANNER_LEVELS[planner]
    group = scored.c.cluster_key if level == 'cluster' else scored.c.pod_key
    window = {'partition_by': group}
    count = (sa.func.coalesce(scored.c.project_instances, 0)
             if 'project_instances' in scored.c else sa.literal(0))
    free_ram = sa.func.sum(scored.c.free_ram_mb).over(**window)
    accounts = sa.func.sum(count).over(**window)
    first, second = {
        # the least free RAM first: clusters fill one after the other
        'FirstFitPlanner': (free_ram, sa.literal(0)),
        # the fewest of the account's instances, then the most free RAM
        'UserDispersingPlanner': (accounts, -free_ram),
        # the most of the account's instances
        'UserConcentratedPodPlanner': (-accounts, sa.literal(0)),
    }[planner]
    ranked = sa.select(
        scored, count.label('host_order'), first.label('group_order'),
        second.label('group_order2'),
        sa.func.max(scored.c.score).over(**window).label('group_first'),
        group.label('group_key')).subquery('ranked')
    by_host = planner == 'UserDispersingPlanner'
    return ranked, lambda t: [
        sa.case((t.c.group_key.is_(None), 1), else_=0), t.c.group_order,
        t.c.group_order2, t.c.group_first.desc(), t.c.group_key,
        *([t.c.host_order] if by_host else []), t.c.score.desc(), t.c.id]
