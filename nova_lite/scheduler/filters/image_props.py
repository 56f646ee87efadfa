"""ImagePropertiesFilter: the image's ``img_hv_type`` must match the
node's ``hypervisor_type`` (case-insensitive; ``kvm`` and ``qemu`` images
both run on a QEMU node, since libvirt reports KVM hosts as QEMU).

``hw_architecture`` is not checked here: compute nodes do not record an
architecture, so operators pin architectures with aggregate metadata
(``hw_architecture=aarch64``), matched by
AggregateImagePropertiesIsolation.
"""
from nova_lite.scheduler import filters

_EQUIVALENT = {'kvm': 'qemu'}


def _canonical(hv_type):
    value = (hv_type or '').strip().lower()
    return _EQUIVALENT.get(value, value)


def matching_types(wanted):
    """The lower-case hypervisor types a node may report to pass for an
    image wanting ``wanted`` (what ``host_passes`` accepts; the
    scheduler's SQL prefilter uses it)."""
    canonical = _canonical(wanted)
    return frozenset([canonical] + [alias for alias, target
                                    in _EQUIVALENT.items()
                                    if target == canonical])


class ImagePropertiesFilter(filters.BaseHostFilter):

    def applies(self, spec):
        return bool(spec.image_properties.get('img_hv_type'))

    def host_passes(self, host_state, spec):
        wanted = spec.image_properties.get('img_hv_type')
        if wanted and _canonical(wanted) != _canonical(
                host_state.hypervisor_type):
            return 'hypervisor %s, image needs %s' % (
                host_state.hypervisor_type, wanted)
        return None
