"""IgnoreHostsFilter: skip hosts a reschedule already tried."""
from nova_lite.scheduler import filters


class IgnoreHostsFilter(filters.BaseHostFilter):

    def applies(self, spec):
        return bool(spec.ignore_hosts)

    def host_passes(self, host_state, spec):
        if host_state.host in spec.ignore_hosts:
            return 'already tried for this instance'
        return None
