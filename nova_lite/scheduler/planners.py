"""CloudStack deployment planners as scheduler strategies: the order in
which the hosts that passed the filters are tried, by pod and cluster
(CloudStack admin guide, "Deployment planners"; doc/cloudstack.md).

The planner of a request is its flavor's
``cloudstack:deployment_planner`` extra spec (a service offering's
``deploymentplanner``, carried in the hint ``request.PLANNER_HINT``),
else ``[scheduler] deployment_planner``; None keeps the weighers' order.
Each planner keeps the weighers' order of the hosts inside a cluster or
pod, and tries its hosts one by one (no random subset):

- ``FirstFitPlanner``: clusters by free RAM of their fitting hosts,
  least first (the fullest cluster with room), so clusters fill one
  after the other;
- ``UserDispersingPlanner``: clusters with fewer of the account's
  (project's) instances first, then the most free RAM, and inside one
  the hosts with fewer of them first: one account spreads over clusters
  and pods;
- ``UserConcentratedPodPlanner``: the pod with the most of the
  account's instances first, so an account stays in one pod while it
  has room.

Hosts in no cluster come after every cluster. The pod and cluster an
admin asks for (``spec.pod``, ``spec.cluster``; the source's cluster of
a live migration that is not a block migration) narrow the hosts first,
whatever the planner. A NoValidHost then names the planner, the level
without room (zone, pod or cluster) and, per level, the pods of the
zone, the clusters of each pod and the first filter that rejected each
host (``no_room``), e.g. ``FirstFitPlanner: no cluster of the zone has
a host with room (zone nova: pods rack1; pod rack1: clusters c1, c2;
cluster c1: node1 (ComputeFilter), node2 (RamFilter); cluster c2: node3
(RamFilter)). RamFilter rejected 2 of 3 hosts (...)``.
"""
from oslo_config import cfg

from nova_lite.db import topology as topology_db
from nova_lite import exception

CONF = cfg.CONF

NAMES = ('FirstFitPlanner', 'UserDispersingPlanner',
         'UserConcentratedPodPlanner')


def planner_for(spec):
    """The planner of ``spec`` (a RequestView), or None.

    :raises: NoValidHost for a planner name nova_lite does not know
    """
    name = spec.planner or CONF.scheduler.deployment_planner
    if not name:
        return None
    if name not in _PLANNERS:
        raise exception.NoValidHost(reason='Unknown deployment planner %s '
                                    '(one of %s).' % (name, ', '.join(NAMES)))
    return _PLANNERS[name]()


def narrow(hosts, spec):
    """The hosts of the pod and cluster an admin asked for (``spec.pod``,
    ``spec.cluster``; a live migration's cluster too), maybe none: the
    NoValidHost then names that level (``no_room``)."""
    return [h for h in hosts if in_scope(spec, h)]


def in_scope(spec, host):
    """Whether ``host`` (a HostState) is in the pod and cluster of
    ``spec`` (any host when it names none)."""
    return ((spec.pod is None or host.pod_uuid == spec.pod) and
            (spec.cluster is None or host.cluster_uuid == spec.cluster))


def _label(planner):
    return planner.name if planner else 'Scheduler'


def no_room(context, spec, planner, exc):
    """``exc`` (the filters' NoValidHost from ``report.explain`` over the
    hosts ``in_scope``) with the planner's reasons per level: the level
    without room (zone, or the pod or cluster asked for), then the pods
    of the zone, the clusters of each pod and each host of a cluster
    with the first filter that rejected it (the per-host reasons are
    the ``details`` rows). Unchanged without planner, pod or cluster
    (the compute API's plain case). One SELECT (names of clusters and
    pods)."""
    if planner is None and spec.pod is None and spec.cluster is None:
        return exc
    placement = topology_db.host_clusters(context)
    rows = [r for r in exc.details if r['filter'] != ZONE_FILTER]
    if spec.cluster is not None:
        head = 'no host with room at the cluster level of cluster %s' % (
            spec.cluster)
    elif spec.pod is not None:
        head = 'no host with room at the pod level of pod %s' % spec.pod
    else:
        head = 'no cluster of the zone has a host with room'
    levels = describe_levels(rows, placement, spec.availability_zone)
    return exception.NoValidHost(
        reason='%s: %s (%s). %s' % (_label(planner), head, levels,
                                    exc.kwargs.get('reason', '')),
        details=exc.details)


#: The filter whose rejections are hosts of other zones (not described
#: per level: the zone level is the request's zone).
ZONE_FILTER = 'AvailabilityZoneFilter'


def describe_levels(rows, placement, zone=None):
    """'zone Z: pods P1, P2; pod P1: clusters C1, C2; cluster C1: h1
    (RamFilter), h2 (ComputeFilter); no cluster: h4 (RamFilter)' from the
    per-host rejection ``rows`` ({"host", "filter", "reason"}) and
    ``placement`` ({host: cluster dict with name, pod_name, zone}, as
    ``topology_db.host_clusters``); ``zone``: the request's zone (else
    the zones of the clusters)."""
    pods, clusters, loose = {}, {}, []
    for row in rows:
        cluster = placement.get(row['host'])
        entry = '%s (%s)' % (row['host'], row['filter'])
        if cluster is None:
            loose.append(entry)
            continue
        pods.setdefault((cluster['zone'], cluster['pod_name']),
                        []).append(cluster['name'])
        clusters.setdefault((cluster['pod_name'], cluster['name']),
                            []).append(entry)
    zones = [zone] if zone else sorted({z for z, _ in pods}) or ['-']
    parts = ['zone %s: %s' % ('/'.join(zones), 'pods ' + ', '.join(
        sorted({p for _, p in pods})) if pods else 'no pod')]
    parts += ['pod %s: clusters %s' % (pod, ', '.join(sorted(set(names))))
              for (_, pod), names in sorted(pods.items())]
    parts += ['cluster %s: %s' % (name, ', '.join(entries))
              for (_, name), entries in sorted(clusters.items())]
    if loose:
        parts.append('no cluster: %s' % ', '.join(loose))
    return '; '.join(parts)


def _groups(ranked, key):
    """[(key value, [hosts in ranked order])] in order of first
    appearance; hosts whose key is None last, as one group."""
    groups = {}
    for host in ranked:
        groups.setdefault(key(host), []).append(host)
    return sorted(groups.items(), key=lambda item: item[0] is None)


class _Planner:
    name = None

    def prepare(self, context, spec, hosts):
        """Read what the planner needs for one request (no query by
        default)."""

    def consumed(self, host):
        """An instance of the request was just claimed on ``host``."""

    def order(self, ranked):
        """``ranked`` (HostStates in the weighers' order) in the order
        to try."""
        raise NotImplementedError()


class FirstFitPlanner(_Planner):
    name = 'FirstFitPlanner'

    def order(self, ranked):
        groups = _groups(ranked, lambda h: h.cluster_uuid)
        groups.sort(key=lambda item: (
            item[0] is None, sum(h.free_ram_mb for h in item[1])))
        return [h for _key, hosts in groups for h in hosts]


class _AccountPlanner(_Planner):
    """Counts the instances of the request's project per host."""

    def prepare(self, context, spec, hosts):
        """The account's instances per host: counted by the candidate
        query when it read ``hosts`` (no statement), else one SELECT."""
        if all(h.project_instances is not None for h in hosts):
            self.per_host = {h.host: h.project_instances for h in hosts
                             if h.project_instances}
        else:
            self.per_host = topology_db.project_instance_hosts(
                context, spec.project_id) if spec.project_id else {}

    def consumed(self, host):
        self.per_host[host.host] = self.per_host.get(host.host, 0) + 1

    def count(self, hosts):
        return sum(self.per_host.get(h.host, 0) for h in hosts)


class UserDispersingPlanner(_AccountPlanner):
    name = 'UserDispersingPlanner'

    def order(self, ranked):
        groups = _groups(ranked, lambda h: h.cluster_uuid)
        groups.sort(key=lambda item: (
            item[0] is None, self.count(item[1]),
            -sum(h.free_ram_mb for h in item[1])))
        return [h for _key, hosts in groups
                for h in sorted(hosts, key=lambda h: self.count([h]))]


class UserConcentratedPodPlanner(_AccountPlanner):
    name = 'UserConcentratedPodPlanner'

    def order(self, ranked):
        groups = _groups(ranked, lambda h: h.pod_uuid)
        groups.sort(key=lambda item: (item[0] is None,
                                      -self.count(item[1])))
        return [h for _key, hosts in groups for h in hosts]


_PLANNERS = {cls.name: cls for cls in (
    FirstFitPlanner, UserDispersingPlanner, UserConcentratedPodPlanner)}
