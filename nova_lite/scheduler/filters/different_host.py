"""DifferentHostFilter: with the ``different_host`` scheduler hint
(instance uuids), the host must run none of those instances."""
from nova_lite.scheduler import filters


class DifferentHostFilter(filters.BaseHostFilter):

    def applies(self, spec):
        return bool(spec.different_host)

    def host_passes(self, host_state, spec):
        avoid = spec.different_host
        clash = sorted(avoid & host_state.instances)
        if clash:
            return 'runs different_host instance %s' % clash[0]
        return None
