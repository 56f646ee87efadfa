"""IgnoreHostsFilter: skip hosts a reschedule already tried."""
from nova_lite.scheduler import filters


class IgnoreHostsFilter(filters.BaseHostFilter):

    def host_passes(self, host_state, spec):
        if host_state.host in filters.spec_field(spec, 'ignore_hosts', ()):
            return 'already tried for this instance'
        return None
