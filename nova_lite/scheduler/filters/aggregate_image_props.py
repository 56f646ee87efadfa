"""AggregateImagePropertiesIsolation: image properties against the
metadata of the host's aggregates.

Flavors have no extra specs here, so aggregates are matched with image
properties: for each metadata key of the host's aggregates (but
``availability_zone``) that the image also has as a property, the image's
value must be one of the aggregate's values (a value may list several,
comma-separated). Images without the property pass, as in Nova's filter
of the same name. E.g. aggregate ``hw_architecture=aarch64`` rejects an
image with ``hw_architecture=x86_64``.
"""
from nova_lite.scheduler import filters
from nova_lite.scheduler import host_manager


def _values(raw_values):
    return {v.strip() for raw in raw_values for v in raw.split(',')}


class AggregateImagePropertiesIsolation(filters.BaseHostFilter):

    def applies(self, spec):
        return bool(spec.image_properties)

    def host_passes(self, host_state, spec):
        props = spec.image_properties
        for key, raw_values in sorted(host_state.aggregate_metadata.items()):
            if key == host_manager.AZ_KEY or props.get(key) is None:
                continue
            allowed = _values(raw_values)
            if str(props[key]).strip() not in allowed:
                return 'aggregate %s=%s, image has %s' % (
                    key, ','.join(sorted(allowed)), props[key])
        return None
