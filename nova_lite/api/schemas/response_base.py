"""Building blocks of the response body schemas
(``nova_lite.api.schemas.responses`` and the modules it gathers): JSON
Schema fragments and closed objects."""
from nova_lite.api import microversion

STRING = {'type': 'string'}
NULLABLE_STRING = {'type': ['string', 'null']}
LINKS = {'type': 'array', 'items': {
    'type': 'object',
    'properties': {'rel': STRING, 'href': STRING, 'type': STRING},
    'required': ['rel', 'href'], 'additionalProperties': False}}


def at_least(version, text):
    """Whether the APIVersion ``version`` is ``text`` or later."""
    return version >= microversion.parse(text)


def object_schema(properties, required=None, extra=False):
    """A closed object (all properties required unless ``required``)."""
    return {'type': 'object', 'properties': properties,
            'required': sorted(properties) if required is None
            else required,
            'additionalProperties': extra}


def wrap(key, schema):
    """``{key: schema}`` as a closed object."""
    return object_schema({key: schema})
