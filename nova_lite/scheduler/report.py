"""Why no host fits: per-filter counts for the user, rows for the admin.

The NoValidHost message (the instance fault) summarises, per filter, how
many hosts it rejected and one sample reason; ``details`` holds one row
per host ({"host", "filter", "reason"}) for the first ``MAX_ROWS`` hosts
(the counts cover them all), recorded as the details of the
``conductor_schedule_and_build`` instance action event.

On the failure path every live compute node is read again and the whole
filter chain is run on it, so hosts the SQL prefilter left out are
counted under the filter whose test SQL applied (ComputeFilter,
AvailabilityZoneFilter, Ram/Core/DiskFilter), and a host that passes every
filter now was lost to a concurrent claim.
"""
import collections

from oslo_log import log as logging

from nova_lite import exception
from nova_lite.scheduler import host_manager

LOG = logging.getLogger(__name__)

#: Pseudo-filter of hosts that passed the filters but whose claim failed.
CLAIM_CONFLICT = 'ClaimConflict'
#: Rows kept per report: at 1,000 hosts every row made details of about
#: 80 KB, more than a MariaDB TEXT column holds.
MAX_ROWS = 100


class FilterReport:
    """Rejections per filter: counts, a sample reason, one row per host."""

    def __init__(self):
        self.counts = collections.OrderedDict()
        self.samples = {}
        self.rows = []

    def reject(self, filter_name, host, reason):
        self.counts[filter_name] = self.counts.get(filter_name, 0) + 1
        self.samples.setdefault(filter_name, reason)
        if len(self.rows) < MAX_ROWS:
            self.rows.append({'host': host, 'filter': filter_name,
                              'reason': reason})

    def summary(self, total, order=()):
        """'RamFilter rejected 2 of 2 hosts (insufficient RAM: ...)', one
        part per filter, in ``order`` (filter names) when given."""
        rank = {name: index for index, name in enumerate(order)}
        names = sorted(self.counts, key=lambda n: rank.get(n, len(rank)))
        parts = ['%s rejected %d of %d hosts (%s)' % (
            name, self.counts[name], total, self.samples[name])
            for name in names]
        return '; '.join(parts) or 'no compute hosts are registered'


def first_rejection(host, spec, filter_objs):
    """(filter name, reason) of the first filter rejecting ``host``, or
    None when it passes them all."""
    for flt in filter_objs:
        reason = flt.host_passes(host, spec)
        if reason:
            return flt.name, reason
    return None


def run_filters(hosts, spec, filter_objs, report=None):
    """Hosts passing every filter; rejections go to ``report`` if given.
    Filters that do not apply to ``spec`` are skipped."""
    filter_objs = [f for f in filter_objs if f.applies(spec)]
    passing = []
    for host in hosts:
        rejection = first_rejection(host, spec, filter_objs)
        if rejection is None:
            passing.append(host)
        elif report is not None:
            report.reject(rejection[0], host.host, rejection[1])
    return passing


def explain(context, spec, filter_objs, claim_losses, keep=None):
    """A NoValidHost for ``spec`` (a RequestView) from a fresh look at
    every node (those for which ``keep(host_state)`` is true, when
    given: the pod or cluster a request is limited to).

    :param claim_losses: {host: reason} of claims this request lost
    :returns: NoValidHost whose ``details`` are the per-host rows
    """
    hosts = host_manager.get_host_states(context, spec, prefilter=False)
    if keep is not None:
        hosts = [h for h in hosts if keep(h)]
    filter_objs = [f for f in filter_objs if f.applies(spec)]
    report = FilterReport()
    for host in hosts:
        rejection = first_rejection(host, spec, filter_objs)
        if rejection is None:
            rejection = (CLAIM_CONFLICT, claim_losses.get(
                host.host, 'claimed by a concurrent request'))
        report.reject(rejection[0], host.host, rejection[1])
    summary = report.summary(len(hosts), [f.name for f in filter_objs])
    LOG.info('No valid host: %s', summary)
    return exception.NoValidHost(reason=summary, details=report.rows)
