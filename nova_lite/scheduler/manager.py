"""Scheduler service: ``select_destinations`` (RPC call).

Filters, weighs and claims hosts for the instances of one request (the
boot path is described in doc/architecture.md). Several schedulers may
run at once: the claim (one conditional UPDATE, plus the server group
check under a lock of the group row) is what keeps them from
overcommitting a host or breaking a hard group policy, so a lost claim
just moves on to the next host.
"""
import random

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_lite import exception
from nova_lite import metrics
from nova_lite.objects import selection as selection_obj
from nova_lite.scheduler import candidates
from nova_lite.scheduler import claims
from nova_lite.scheduler import filters
from nova_lite.scheduler import planners
from nova_lite.volume import pools
from nova_lite.scheduler import report
from nova_lite.scheduler import request
from nova_lite.scheduler import weights
from nova_lite import service

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

def filter_names():
    """Enabled filters, with ComputeFilter first and IgnoreHostsFilter
    last always present (down hosts are never candidates; reschedules
    never retry a host)."""
    names = [n for n in CONF.scheduler.enabled_filters
             if n not in ('ComputeFilter', 'IgnoreHostsFilter')]
    return ['ComputeFilter'] + names + ['IgnoreHostsFilter']


class SchedulerManager(service.Manager):
    """RPC endpoint of the ``scheduler`` topic."""

    target = messaging.Target(version='1.0')

    def __init__(self, host):
        super().__init__(host)
        self.filter_names = filter_names()
        self.filters = filters.load_filters(self.filter_names)
        metrics.declare_scheduler_series(self.filter_names)
        self.weighers = weights.all_weighers()

    @messaging.expected_exceptions(exception.NoValidHost)
    def select_destinations(self, context, request_spec, instance_uuids,
                            return_alternates=True):
        """Claim a host for each instance, among the request's bounded
        candidates (``scheduler.candidates``: what is kept and why).

        :returns: one list per instance: [chosen Selection (claimed),
            alternate Selections...] up to ``[scheduler] max_attempts``
        :raises: NoValidHost with the per-filter summary and per-host
            details; claims made for earlier instances of the request are
            released first
        """
        with metrics.select_timer():
            spec = request.RequestView(request_spec)
            if spec.volume_gb:
                spec.cluster_room = pools.cluster_free_gb(context)
            planner = planners.planner_for(spec)
            pool = _Candidates(self, context, spec, planner, candidates.bound(
                len(instance_uuids), self.weighers, spec))
            result = []
            try:
                for instance_uuid in instance_uuids:
                    result.append(self._select_with(
                        pool, instance_uuid, return_alternates))
            except exception.NoValidHost as exc:
                metrics.no_valid_host(exc, self.filter_names)
                for instance_uuid in instance_uuids[:len(result)]:
                    claims.unclaim(context, instance_uuid)
                raise
            return result

    def _select_with(self, pool, instance_uuid, return_alternates):
        """Selections of one instance from ``pool``'s candidates; once
        more from every node when the bounded ones are used up.

        :raises: NoValidHost (``report.explain``, with the planner's
            levels)
        """
        losses = {}
        while True:
            chosen = self._select_one(pool.context, pool.spec,
                                      instance_uuid, pool.hosts,
                                      return_alternates, pool.planner,
                                      losses)
            if chosen is not None or not pool.widen():
                break
        if chosen is None:
            spec = pool.spec
            raise planners.no_room(pool.context, spec, pool.planner,
                                   report.explain(
                                       pool.context, spec, self.filters,
                                       losses, keep=lambda host:
                                       planners.in_scope(spec, host)))
        return chosen

    def _select_one(self, context, spec, instance_uuid, hosts,
                    return_alternates, planner=None, losses=None):
        """Claim a host for one instance: the filters' hosts in the
        weighers' order, or the planner's (tried one by one); None when
        none of ``hosts`` can be claimed (``losses`` gets the hosts whose
        claim was lost, with why)."""
        losses = {} if losses is None else losses
        ranked = weights.weigh_hosts(
            report.run_filters(hosts, spec, self.filters), spec,
            self.weighers)
        if planner is not None:
            ranked = planner.order(ranked)
        while ranked:
            subset = ranked[:1 if planner else
                            CONF.scheduler.host_subset_size]
            chosen = random.choice(subset)
            try:
                if claims.claim(context, chosen.compute_node_id,
                                instance_uuid, spec):
                    chosen.consume(spec)
                    if planner is not None:
                        planner.consumed(chosen)
                    return self._selections(chosen, ranked,
                                            return_alternates)
                losses[chosen.host] = 'claim lost to a concurrent request'
                ranked.remove(chosen)
            except exception.GroupPolicyViolation as exc:
                LOG.info('Claim of %s: %s', instance_uuid,
                         exc.format_message())
                ranked = self._after_group_conflict(spec, chosen, ranked,
                                                    exc, losses)
        return None

    def _after_group_conflict(self, spec, chosen, ranked, exc, losses):
        """Another scheduler placed a member of the group meanwhile: note
        where, and keep the hosts that still pass the filters."""
        member_host = exc.kwargs['host']
        chosen.group_hosts[member_host] = \
            chosen.group_hosts.get(member_host, 0) + 1
        losses[chosen.host] = exc.format_message()
        rest = [h for h in ranked if h is not chosen]
        return report.run_filters(rest, spec, self.filters)

    @staticmethod
    def _selections(chosen, ranked, return_alternates):
        first = _selection(chosen, claimed=True)
        if not return_alternates:
            return [first]
        alternates = [h for h in ranked if h is not chosen]
        limit = CONF.scheduler.max_attempts - 1
        return [first] + [_selection(h) for h in alternates[:limit]]


class _Candidates:
    """The hosts one request chooses from: its bounded candidates
    (``limit``, None for all), read once more without the bound by
    ``widen`` when they were cut and are used up."""

    def __init__(self, scheduler, context, spec, planner, limit):
        self.scheduler = scheduler
        self.context = context
        self.spec = spec
        self.planner = planner
        self._read(limit)

    def _read(self, limit):
        hosts, self.truncated = candidates.get_candidates(
            self.context, self.spec, self.scheduler.filter_names,
            self.scheduler.weighers, self.planner, limit)
        self.hosts = planners.narrow(hosts, self.spec)
        metrics.HOSTS_CONSIDERED.observe(len(self.hosts))
        if self.planner is not None:
            self.planner.prepare(self.context, self.spec, self.hosts)

    def widen(self):
        """Read every node that passes the SQL prefilter, if the bounded
        read left some out; True when it did."""
        if not self.truncated:
            return False
        LOG.info('The %d best candidates are used up; reading every host',
                 len(self.hosts))
        self._read(None)
        return True


def _selection(host, claimed=False):
    return selection_obj.Selection(
        service_host=host.host, nodename=host.nodename,
        compute_node_id=host.compute_node_id, claimed=claimed)
