"""RamFilter: enough free RAM (MiB) after ram_allocation_ratio."""
from nova_lite.scheduler import filters


class RamFilter(filters.BaseHostFilter):

    def host_passes(self, host_state, spec):
        free = host_state.free_ram_mb
        if free < spec.memory_mb:
            return 'insufficient RAM: needs %d MiB, %d MiB free' % (
                spec.memory_mb, max(free, 0))
        return None
