"""JSON patch of an image (Glance image API v2 reference, "Update image":
media type ``application/openstack-images-v2.1-json-patch``; RFC 6902
``add``, ``replace`` and ``remove`` on one attribute each). The older
``application/openstack-images-v2.0-json-patch``, whose operations name
the op as their key (``{"add": "/path", "value": ...}``), is turned into
the same operations by ``from_v20``.

Base attributes are replaced (``add`` acts as ``replace``) and cannot be
removed; extra properties are strings that ``replace`` and ``remove``
require to exist (409 otherwise).  Read-only attributes and the
``os_glance`` namespace are refused with 403, as are format changes of
an image that already has data.
"""
from nova_lite.api.image import views
from nova_lite.api import schemas
from nova_lite.api.schemas import image as image_schemas
from nova_lite import exception

_FORMATS = ('disk_format', 'container_format')


def check_writable(names):
    """:raises: Forbidden (403) for read-only or reserved attributes"""
    for name in sorted(names):
        if name in image_schemas.READ_ONLY:
            raise exception.Forbidden('Attribute \'%s\' is read-only.'
                                      % name)
        if name.startswith(image_schemas.RESERVED_PREFIX):
            raise exception.Forbidden('Attribute \'%s\' is reserved.'
                                      % name)


def _attribute(path):
    """The attribute of a JSON pointer (``/name``; ``~1`` is '/', ``~0``
    is '~')."""
    name = path[1:]
    if '/' in name:
        raise exception.ValidationError(
            attribute='path', reason='%r: only top-level attributes can be '
            'changed' % path[:64])
    return name.replace('~1', '/').replace('~0', '~')


def _set_base(image, values, name, op, value):
    if op == 'remove':
        raise exception.Forbidden('Cannot remove the base attribute '
                                  '\'%s\'.' % name)
    schemas.validate({'type': 'object', 'properties': {
        name: image_schemas.BASE_PROPERTIES[name]},
        'additionalProperties': False}, {name: value})
    if name in _FORMATS and image['status'] != 'queued' and \
            value != image[name]:
        raise exception.Forbidden('Attribute %s can be only replaced for a '
                                  'queued image.' % name)
    if name in ('tags', 'os_hidden'):
        key = views.TAGS_KEY if name == 'tags' else views.HIDDEN_KEY
        values['properties'][key] = value
    else:
        values[name] = value


def _set_extra(values, name, op, value):
    properties = values['properties']
    if op in ('replace', 'remove') and name not in properties:
        raise exception.Conflict('Property %s does not exist.' % name)
    if op == 'remove':
        del properties[name]
        return
    schemas.validate({'type': 'object', 'patternProperties': {
        image_schemas.PROPERTY_KEY: image_schemas.property_value},
        'additionalProperties': False}, {name: value})
    properties[name] = value


_OPS = ('add', 'replace', 'remove')


def from_v20(operations):
    """The v2.1 operations (``{"op", "path", "value"?}``) of a v2.0
    patch body: a list of objects, each with exactly one of ``add``,
    ``replace`` or ``remove`` (its value the path) and, but for
    ``remove``, ``value``. Anything else is passed on unchanged for the
    schema to refuse.

    :raises: ValidationError (400) for an operation naming no or
        several ops
    """
    if not isinstance(operations, list):
        return operations
    converted = []
    for operation in operations:
        if not isinstance(operation, dict):
            return operations
        ops = [key for key in _OPS if key in operation]
        if len(ops) != 1:
            raise exception.ValidationError(
                attribute='op', reason='each operation needs exactly one '
                'of %s' % ', '.join(_OPS))
        item = {'op': ops[0], 'path': operation[ops[0]]}
        item.update({k: v for k, v in operation.items() if k != ops[0]})
        converted.append(item)
    return converted


def apply(image, operations):
    """The ``images`` column values after ``operations`` (validated by
    ``nova_lite.api.schemas.image.patch``); only changed columns.

    :raises: ValidationError (400), Forbidden (403), Conflict (409)
    """
    values = {'properties': dict(image['properties'] or {})}
    for operation in operations:
        op = operation['op']
        if op != 'remove' and 'value' not in operation:
            raise exception.ValidationError(
                attribute='value', reason='%s needs a value' % op)
        name = _attribute(operation['path'])
        check_writable([name])
        if name in image_schemas.BASE_PROPERTIES:
            _set_base(image, values, name, op, operation.get('value'))
        else:
            _set_extra(values, name, op, operation.get('value'))
    if values['properties'] == (image['properties'] or {}):
        del values['properties']
    return {k: v for k, v in values.items()
            if k == 'properties' or v != image.get(k)}
