"""ComputeFilter: the compute service must be enabled and up (heartbeat
within ``service_down_time`` seconds, not forced down)."""
from nova_lite.scheduler import filters
from nova_lite.scheduler import host_manager


class ComputeFilter(filters.BaseHostFilter):

    def host_passes(self, host_state, spec):
        if host_state.disabled:
            return 'compute service disabled'
        seen = host_state.last_seen_up
        if host_state.forced_down or seen is None or \
                seen < host_manager.up_since():
            return 'compute service down'
        return None
