"""AvailabilityZoneFilter: the host must be in the requested zone.

A host's zone is the ``availability_zone`` metadata of its aggregates, or
``[compute] default_availability_zone`` when it is in no zone aggregate
(Nova's "Availability Zones" admin guide)."""
from nova_lite.scheduler import filters


class AvailabilityZoneFilter(filters.BaseHostFilter):

    def applies(self, spec):
        return bool(spec.availability_zone)

    def host_passes(self, host_state, spec):
        wanted = spec.availability_zone
        if wanted and wanted != host_state.availability_zone:
            return 'in zone %s, not %s' % (host_state.availability_zone,
                                           wanted)
        return None
