"""ComputeFilter: the compute service must be enabled and up
(``nova_lite.servicegroup``: not forced down, heartbeat within
``service_down_time`` seconds; the host query computes ``up`` with
``servicegroup.sql_is_up``)."""
from nova_lite.scheduler import filters


class ComputeFilter(filters.BaseHostFilter):

    def host_passes(self, host_state, spec):
        if host_state.disabled:
            return 'compute service disabled'
        if not host_state.up:
            return 'compute service down'
        return None
