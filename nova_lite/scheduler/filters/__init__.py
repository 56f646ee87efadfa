"""Host filters: each one module, one ``host_passes`` method.

``host_passes(host_state, spec)`` returns None when the host passes, or a
short reason string when it rejects it; ``spec`` is a
``nova_lite.scheduler.request.RequestView``. The scheduler counts
rejections per filter for the NoValidHost fault. ComputeFilter,
AvailabilityZoneFilter, RamFilter, CoreFilter and DiskFilter are also
applied in SQL before the Python filters run
(``nova_lite.scheduler.host_manager``); their Python form explains the
hosts SQL left out when nothing fits.
"""
import importlib

_FILTERS = {
    'ComputeFilter': 'nova_lite.scheduler.filters.compute_filter',
    'AvailabilityZoneFilter': 'nova_lite.scheduler.filters.availability_zone',
    'RamFilter': 'nova_lite.scheduler.filters.ram',
    'CoreFilter': 'nova_lite.scheduler.filters.core',
    'DiskFilter': 'nova_lite.scheduler.filters.disk',
    'IgnoreHostsFilter': 'nova_lite.scheduler.filters.ignore_hosts',
    'ServerGroupAffinityFilter':
        'nova_lite.scheduler.filters.affinity',
    'ServerGroupAntiAffinityFilter':
        'nova_lite.scheduler.filters.anti_affinity',
    'SameHostFilter': 'nova_lite.scheduler.filters.same_host',
    'DifferentHostFilter': 'nova_lite.scheduler.filters.different_host',
    'ImagePropertiesFilter': 'nova_lite.scheduler.filters.image_props',
    'AggregateImagePropertiesIsolation':
        'nova_lite.scheduler.filters.aggregate_image_props',
    'StoragePoolFilter': 'nova_lite.scheduler.filters.storage_pool',
}


class BaseHostFilter:
    """Base of host filters; ``name`` is the class name."""

    @property
    def name(self):
        return type(self).__name__

    def applies(self, spec):
        """False when the filter passes every host for ``spec`` (e.g. a
        group filter for a request without a group): it is then skipped
        for the whole request."""
        return True

    def host_passes(self, host_state, spec):
        """None when ``host_state`` can host ``spec``, else a reason."""
        raise NotImplementedError()


def available_filters():
    """Names of every filter ``load_filters`` knows."""
    return sorted(_FILTERS)


def load_filters(names):
    """Instances of the filters called ``names``, in that order.

    :raises: ValueError for an unknown filter name
    """
    result = []
    for name in names:
        if name not in _FILTERS:
            raise ValueError('Unknown scheduler filter %s (known: %s)'
                             % (name, ', '.join(available_filters())))
        module = importlib.import_module(_FILTERS[name])
        result.append(getattr(module, name)())
    return result
