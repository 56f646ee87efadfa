"""CoreFilter: enough free vCPUs after cpu_allocation_ratio."""
from nova_lite.scheduler import filters


class CoreFilter(filters.BaseHostFilter):

    def host_passes(self, host_state, spec):
        free = host_state.free_vcpus
        if free < spec.vcpus:
            return 'insufficient vCPUs: needs %d, %g free' % (
                spec.vcpus, max(free, 0))
        return None
