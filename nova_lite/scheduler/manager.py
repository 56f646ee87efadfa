"""Scheduler service: ``select_destinations`` (RPC call).

Filters, weighs and claims hosts for the instances of one request; see
DESIGN.md "One boot, end to end".
"""
import collections
import random

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_lite import exception
from nova_lite.objects import selection as selection_obj
from nova_lite.scheduler import claims
from nova_lite.scheduler import filters
from nova_lite.scheduler import host_manager
from nova_lite.scheduler import weights
from nova_lite import service
from nova_lite.db import api as db_api

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


class FilterReport:
    """Rejections per filter: counts for the user, rows for the admin."""

    def __init__(self):
        self.counts = collections.OrderedDict()
        self.samples = {}
        self.rows = []

    def reject(self, filter_name, host, reason):
        self.counts[filter_name] = self.counts.get(filter_name, 0) + 1
        self.samples.setdefault(filter_name, reason)
        self.rows.append({'host': host, 'filter': filter_name,
                          'reason': reason})

    def summary(self, total):
        """'RamFilter rejected 2 of 2 hosts (insufficient RAM: ...)'."""
        parts = ['%s rejected %d of %d hosts (%s)' % (
            name, count, total, self.samples[name])
            for name, count in self.counts.items()]
        return '; '.join(parts) or 'no compute hosts are registered'


def run_filters(hosts, spec, filter_objs, report):
    """Hosts passing every filter; rejections go to ``report``."""
    passing = []
    for host in hosts:
        for flt in filter_objs:
            reason = flt.host_passes(host, spec)
            if reason:
                report.reject(flt.name, host.host, reason)
                break
        else:
            passing.append(host)
    return passing


class SchedulerManager(service.Manager):
    """RPC endpoint of the ``scheduler`` topic."""

    target = messaging.Target(version='1.0')

    def __init__(self, host):
        super().__init__(host)
        names = list(CONF.scheduler.enabled_filters)
        if 'IgnoreHostsFilter' not in names:
            names.append('IgnoreHostsFilter')
        self.filters = filters.load_filters(names)
        self.weighers = weights.all_weighers()

    def select_destinations(self, context, request_spec, instance_uuids,
                            return_alternates=True):
        """Claim a host for each instance.

        :returns: one list per instance: [chosen Selection (claimed),
            alternate Selections...] up to ``[scheduler] max_attempts``
        :raises: NoValidHost with the per-filter summary; claims made for
            earlier instances of the request are released first
        """
        hosts = host_manager.get_host_states(context)
        result = []
        try:
            for instance_uuid in instance_uuids:
                result.append(self._select_one(context, request_spec,
                                               instance_uuid, hosts,
                                               return_alternates))
        except exception.NoValidHost:
            for instance_uuid in instance_uuids[:len(result)]:
                claims.unclaim(context, instance_uuid)
            raise
        return result

    def _select_one(self, context, spec, instance_uuid, hosts,
                    return_alternates):
        report = FilterReport()
        passing = run_filters(hosts, spec, self.filters, report)
        ranked = weights.weigh_hosts(passing, spec, self.weighers)
        while ranked:
            subset = ranked[:CONF.scheduler.host_subset_size]
            chosen = random.choice(subset)
            if claims.claim(context, chosen.compute_node_id, instance_uuid,
                            spec):
                chosen.consume(spec)
                return self._selections(chosen, ranked, return_alternates)
            report.reject('ClaimConflict', chosen.host,
                          'claim lost to a concurrent request')
            ranked.remove(chosen)
        raise self._no_valid_host(context, report, len(hosts))

    @staticmethod
    def _selections(chosen, ranked, return_alternates):
        first = _selection(chosen, claimed=True)
        if not return_alternates:
            return [first]
        alternates = [h for h in ranked if h is not chosen]
        limit = CONF.scheduler.max_attempts - 1
        return [first] + [_selection(h) for h in alternates[:limit]]

    @staticmethod
    def _no_valid_host(context, report, candidates):
        disabled, down = db_api.compute_nodes_excluded_counts(
            context, host_manager.up_since())
        total = candidates + disabled + down
        if disabled or down:
            report.counts['ComputeFilter'] = (
                report.counts.get('ComputeFilter', 0) + disabled + down)
            report.samples.setdefault(
                'ComputeFilter', '%d disabled, %d down' % (disabled, down))
            report.counts.move_to_end('ComputeFilter', last=False)
        summary = report.summary(total)
        LOG.info('No valid host: %s', summary)
        return exception.NoValidHost(reason=summary, details=report.rows)


def _selection(host, claimed=False):
    return selection_obj.Selection(
        service_host=host.host, nodename=host.nodename,
        compute_node_id=host.compute_node_id, claimed=claimed)
