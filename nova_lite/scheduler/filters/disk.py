"""DiskFilter: enough free local disk (GiB) after disk_allocation_ratio."""
from nova_lite.scheduler import filters


class DiskFilter(filters.BaseHostFilter):

    def host_passes(self, host_state, spec):
        free = host_state.free_disk_gb
        if free < spec.disk_gb:
            return 'insufficient disk: needs %d GiB, %g GiB free' % (
                spec.disk_gb, max(free, 0))
        return None
