"""The hypervisor-side name of an instance: ``[DEFAULT]
instance_name_template``.

The compute API names an instance once, when it is created, and stores the
name with it (``instances.instance_name``); computes and drivers use the
stored name (``objects.Instance.name``) and never format the template
themselves. A driver that must tell its guests from other domains on the
hypervisor uses ``is_instance_name``.
"""
import logging
import re

LOG = logging.getLogger(__name__)

#: The name of every guest created before the template existed, and the
#: template's default: ``instance-<uuid>``.
LEGACY_TEMPLATE = 'instance-%(uuid)s'

# One %-conversion: optional (key), flags, width, precision, type.
_CONVERSION = re.compile(r'%(?:\((?P<key>[^)]*)\))?[#0 +-]*\d*(?:\.\d+)?'
                         r'(?P<type>[diouxXeEfFgGcrsa%])')
# What an integer conversion of the id can print (%d, %5d, %08x, %#o...).
_ID_PATTERN = r'\s*[-+]?(?:0[xXoO])?[0-9a-fA-F]+'


def _conversions(template):
    """[(key or None, type)] of the conversions of ``template``, without
    the literal ``%%``."""
    return [(m.group('key'), m.group('type'))
            for m in _CONVERSION.finditer(template)
            if m.group('type') != '%']


def _positional(template):
    """True if ``template`` takes one positional value (the id)."""
    return any(key is None for key, _type in _conversions(template))


def needs_id(template):
    """True if names from ``template`` depend on the database id, which
    is known only once the instance's row is inserted."""
    return any(key in (None, 'id') for key, _type in _conversions(template))


def _render(template, uuid, instance_id):
    """``template`` formatted; raises for an unusable template."""
    keys = {key for key, _type in _conversions(template)}
    if not keys & {None, 'id', 'uuid'}:
        raise ValueError('names neither the uuid nor the id')
    if _positional(template):
        return template % instance_id
    return template % {'uuid': uuid, 'id': instance_id}


def instance_name(template, uuid, instance_id=None):
    """Return the name ``template`` gives the instance ``uuid``.

    :param template: ``[DEFAULT] instance_name_template``
    :param uuid: the instance's uuid (str)
    :param instance_id: its database id (int); needed when
        ``needs_id(template)``
    :returns: str. A template that cannot name the instance (unknown key,
        bad conversion, neither uuid nor id, id missing) is logged as an
        error and ``instance-<uuid>`` is returned, as Nova falls back to
        the uuid.
    """
    try:
        return _render(template, uuid, instance_id)
    except (KeyError, TypeError, ValueError) as exc:
        LOG.error('instance_name_template %r cannot name instance %s (%s); '
                  'using %s', template, uuid, exc, LEGACY_TEMPLATE)
        return LEGACY_TEMPLATE % {'uuid': uuid}


def _pattern(template, uuid):
    """Regular expression of the names ``template`` gives the instance
    ``uuid`` whatever its id, or None if it names none."""
    parts, pos = [], 0
    for match in _CONVERSION.finditer(template):
        parts.append(re.escape(template[pos:match.start()]))
        pos = match.end()
        key, type_ = match.group('key'), match.group('type')
        if type_ == '%':
            parts.append('%')
        elif key == 'uuid':
            parts.append(re.escape(match.group(0) % {'uuid': uuid}))
        elif key in (None, 'id'):
            parts.append(_ID_PATTERN)
        else:
            return None
    parts.append(re.escape(template[pos:]))
    return ''.join(parts)


def is_instance_name(template, name, uuid):
    """True if ``name`` is the name of the instance ``uuid``: the legacy
    ``instance-<uuid>``, or what ``template`` gives it for some id.

    :param name: a hypervisor-side name, e.g. a libvirt domain name
    """
    if name == LEGACY_TEMPLATE % {'uuid': uuid}:
        return True
    pattern = _pattern(template, uuid)
    return pattern is not None and re.fullmatch(pattern, name) is not None
