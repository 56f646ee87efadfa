"""AvailabilityZoneFilter: the host must be in the requested zone."""
from nova_lite.scheduler import filters


class AvailabilityZoneFilter(filters.BaseHostFilter):

    def host_passes(self, host_state, spec):
        wanted = spec.availability_zone
        if wanted and wanted != host_state.availability_zone:
            return 'in zone %s, not %s' % (host_state.availability_zone,
                                           wanted)
        return None
