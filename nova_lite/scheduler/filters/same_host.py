"""SameHostFilter: with the ``same_host`` scheduler hint (instance uuids),
the host must run at least one of those instances."""
from nova_lite.scheduler import filters


class SameHostFilter(filters.BaseHostFilter):

    def applies(self, spec):
        return bool(spec.same_host)

    def host_passes(self, host_state, spec):
        wanted = spec.same_host
        if wanted and not wanted & host_state.instances:
            return 'runs none of the same_host instances'
        return None
