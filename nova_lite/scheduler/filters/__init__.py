"""Host filters: each one module, one ``host_passes`` method.

``host_passes(host_state, spec)`` returns None when the host passes, or a
short reason string when it rejects it. The scheduler counts rejections per
filter for the NoValidHost fault.
"""
import importlib

_FILTERS = {
    'ComputeFilter': 'nova_lite.scheduler.filters.compute_filter',
    'AvailabilityZoneFilter': 'nova_lite.scheduler.filters.availability_zone',
    'RamFilter': 'nova_lite.scheduler.filters.ram',
    'CoreFilter': 'nova_lite.scheduler.filters.core',
    'DiskFilter': 'nova_lite.scheduler.filters.disk',
    'IgnoreHostsFilter': 'nova_lite.scheduler.filters.ignore_hosts',
}


class BaseHostFilter:
    """Base of host filters; ``name`` is the class name."""

    @property
    def name(self):
        return type(self).__name__

    def host_passes(self, host_state, spec):
        """None when ``host_state`` can host ``spec``, else a reason."""
        raise NotImplementedError()


def load_filters(names):
    """Instances of the filters called ``names``, in that order.

    :raises: ValueError for an unknown filter name
    """
    result = []
    for name in names:
        if name not in _FILTERS:
            raise ValueError('Unknown scheduler filter %s' % name)
        module = importlib.import_module(_FILTERS[name])
        result.append(getattr(module, name)())
    return result
