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
admin asks for (``spec.pod``, ``spec.cluster``) narrow the hosts first,
whatever the planner.
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


def narrow(hosts, spec, planner=None):
    """The hosts of the pod and cluster an admin asked for.

    :raises: NoValidHost naming the level (pod, cluster) without hosts
    """
    for level, wanted in (('pod', spec.pod), ('cluster', spec.cluster)):
        if wanted is None:
            continue
        hosts = [h for h in hosts
                 if getattr(h, level + '_uuid') == wanted]
        if not hosts:
            raise exception.NoValidHost(reason='%s: no enabled, up host with'
                                        ' room at the %s level (%s %s).' % (
                                            _label(planner), level, level,
                                            wanted))
    return hosts


def _label(planner):
    return planner.name if planner else 'Scheduler'


def no_room(planner, exc):
    """``exc`` (the filters' NoValidHost) with the planner's level: no
    cluster or pod of the zone had a host with room."""
    if planner is None:
        return exc
    return exception.NoValidHost(
        reason='%s: no cluster of the zone has a host with room (zone '
        'level). %s' % (planner.name, exc.kwargs.get('reason', '')),
        details=exc.details)


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
