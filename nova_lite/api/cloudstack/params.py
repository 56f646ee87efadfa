"""Command parameters: declaration and validation.

Mirrors CloudStack's ``@Parameter(name, type, required, description,
length)`` annotation (CloudStack developer guide, "API command
parameters") with the CommandType names of the API reference: string,
uuid, integer, long, boolean, list, map. Request values arrive as strings
(query string or form body); names are matched case-insensitively, a
repeated name keeps its first value, and parameters a command does not
declare are ignored, as CloudStack does. A map parameter is sent as
indexed keys, ``name[0].key=value&name[0].other=value&name[1].key=...``
(CloudStack's ``Map`` parameters, e.g. ``iptonetworklist``,
``usersecuritygrouplist``), and reaches the command as a list of dicts
in index order.
"""
import dataclasses
import re
import uuid as uuidlib

from oslo_utils import strutils

from nova_lite.api.cloudstack import errors

STRING = 'string'
UUID = 'uuid'
INTEGER = 'integer'
LONG = 'long'
BOOLEAN = 'boolean'
LIST = 'list'
MAP = 'map'

TYPES = (STRING, UUID, INTEGER, LONG, BOOLEAN, LIST, MAP)
#: Most entries of one map parameter.
MAX_MAP_ENTRIES = 64
_MAP_KEY = re.compile(r'^([a-z0-9_]+)\[(\d{1,4})\]\.([a-z0-9_]{1,64})$')

#: Parameters of the request envelope, never passed to a command.
ENVELOPE = frozenset({'command', 'response', 'apikey', 'signature',
                      'signatureversion', 'expires', 'sessionkey', '_'})

_INT_RANGE = {INTEGER: (-2 ** 31, 2 ** 31 - 1),
              LONG: (-2 ** 63, 2 ** 63 - 1)}


@dataclasses.dataclass(frozen=True)
class Parameter:
    """One declared parameter of a command.

    :param name: lower-case name as in the API reference
    :param type: one of TYPES
    :param required: missing → 431 naming it
    :param length: maximum length in characters of the raw value
    :param item_type: type of each element of a LIST (STRING or UUID)
    :param choices: allowed values (compared case-insensitively)
    :param minimum: smallest value of an INTEGER/LONG
    :param default: value when absent
    """
    name: str
    type: str = STRING
    description: str = ''
    required: bool = False
    length: int = 255
    item_type: str = STRING
    choices: tuple = ()
    minimum: int = None
    default: object = None

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError('unknown parameter type %s' % self.type)
        if self.name != self.name.lower():
            raise ValueError('parameter names are lower case: %s'
                             % self.name)

    def describe(self):
        """The ``params`` entry of ``listApis``."""
        return {'name': self.name, 'description': self.description,
                'type': self.type, 'length': self.length,
                'required': self.required}


def _invalid(command, param, value, reason):
    shown = value if len(value) <= 64 else value[:64] + '...'
    return errors.InvalidParameter(
        'Unable to execute API command %s due to invalid value %r for '
        'parameter %s: %s' % (command.lower(), shown, param.name, reason))


def _convert_scalar(command, param, kind, value):
    if kind == STRING:
        return value
    if kind == UUID:
        try:
            return str(uuidlib.UUID(value))
        except ValueError:
            raise _invalid(command, param, value, 'not a UUID') from None
    if kind == BOOLEAN:
        try:
            return strutils.bool_from_string(value, strict=True)
        except ValueError:
            raise _invalid(command, param, value,
                           'not a boolean (true or false)') from None
    try:
        number = int(value.strip(), 10)
    except ValueError:
        raise _invalid(command, param, value,
                       'not an %s' % kind) from None
    low, high = _INT_RANGE[kind]
    if param.minimum is not None:
        low = max(low, param.minimum)
    if not low <= number <= high:
        raise _invalid(command, param, value,
                       'out of range [%d, %d]' % (low, high))
    return number


def convert(command, param, value):
    """The typed value of ``param`` from its raw string ``value``.

    :raises: InvalidParameter (431) naming the parameter
    """
    if len(value) > param.length:
        raise _invalid(command, param, value,
                       'longer than %d characters' % param.length)
    if param.type == LIST:
        items = [v.strip() for v in value.split(',') if v.strip()]
        if not items:
            raise _invalid(command, param, value, 'an empty list')
        return [_convert_scalar(command, param, param.item_type, v)
                for v in items]
    result = _convert_scalar(command, param, param.type, value)
    if param.choices and str(result).lower() not in param.choices:
        raise _invalid(command, param, value, 'must be one of %s'
                       % ', '.join(param.choices))
    if param.choices:
        result = str(result).lower()
    return result


def lower_keys(raw):
    """``{name.lower(): first value}`` of a mapping of request values
    (``{name: value}`` or werkzeug MultiDict)."""
    items = raw.items(multi=True) if hasattr(raw, 'getlist') else \
        raw.items()
    result = {}
    for name, value in items:
        result.setdefault(name.lower(), value)
    return result


def map_entries(command, param, raw):
    """The entries of map parameter ``param`` in ``raw`` (lower-case
    keys ``name[index].key``): a list of ``{key: value}`` by index, or
    None when none is given.

    :raises: InvalidParameter (431) for more than MAX_MAP_ENTRIES
        entries or a value longer than the parameter's length
    """
    entries = {}
    for key, value in raw.items():
        found = _MAP_KEY.match(key)
        if not found or found.group(1) != param.name:
            continue
        if len(value) > param.length:
            raise _invalid(command, param, value, 'longer than %d '
                           'characters' % param.length)
        entries.setdefault(int(found.group(2)), {})[found.group(3)] = value
    if len(entries) > MAX_MAP_ENTRIES:
        raise _invalid(command, param, '%d entries' % len(entries),
                       'at most %d entries' % MAX_MAP_ENTRIES)
    return [entries[i] for i in sorted(entries)] or None


def validate(command, declared, raw):
    """Typed parameters of a command from its raw values.

    :param command: command name (for messages)
    :param declared: sequence of Parameter
    :param raw: ``{lower-case name: str}`` (see ``lower_keys``)
    :returns: ``{name: value}`` for every declared parameter (absent
        optional ones get their default)
    :raises: InvalidParameter (431) for a missing required parameter or
        a malformed value
    """
    values = {}
    for param in declared:
        if param.type == MAP:
            values[param.name] = map_entries(command, param, raw)
            if values[param.name] is None and param.required:
                raise errors.InvalidParameter(
                    'Unable to execute API command %s due to missing '
                    'parameter %s' % (command.lower(), param.name))
            continue
        value = raw.get(param.name)
        if value is None or value == '':
            if param.required:
                raise errors.InvalidParameter(
                    'Unable to execute API command %s due to missing '
                    'parameter %s' % (command.lower(), param.name))
            values[param.name] = param.default
            continue
        values[param.name] = convert(command, param, value)
    return values
