"""Query filters of the compute image proxy's lists (``GET
/v2.1/images`` and ``/images/detail``; compute API reference, "List
Images"): what Nova hands to Glance, applied to nova_lite's image
catalogue.

- ``name``: the exact name; ``status``: the image status, case
  insensitive (``ACTIVE`` selects Glance's ``active``);
- ``server``: images made from that server (their ``instance_uuid``
  property), given as the server's id or as any URL of it (the last
  path element is the id);
- ``type``: the ``image_type`` property (``snapshot``, ``backup``);
- ``changes-since``: images updated (or, never updated, created) at or
  after an ISO 8601 time;
- ``minRam``/``minDisk``: images whose ``min_ram`` (MiB) / ``min_disk``
  (GiB) is at least that many;
- ``property-<key>``: the extra property ``<key>`` equals the value.

Other parameters are ignored, as Nova's proxy ignores them.  A bad time
or a non-integer ``minRam``/``minDisk`` is a 400.
"""
from oslo_utils import timeutils

from nova_lite.api.image import views as image_views
from nova_lite.api import openstack
from nova_lite import exception

#: Query parameter → image property it compares (equality).
_PROPERTY_FILTERS = {'server': 'instance_uuid', 'type': 'image_type'}
#: Query parameter → image column it is a minimum of.
_MINIMUM_FILTERS = {'minRam': 'min_ram', 'minDisk': 'min_disk'}
_PROPERTY_PREFIX = 'property-'


def sql_filters(args):
    """The filters ``nova_lite.image.api.API.search`` applies in SQL:
    Glance's default list (``visibility`` None), ``name`` and
    ``status``."""
    filters = {'visibility': None}
    if args.get('name') is not None:
        filters['name'] = args['name']
    if args.get('status') is not None:
        filters['status'] = args['status'].lower()
    return filters


def _changes_since(value):
    """:raises: ValidationError (400) unless ``value`` is ISO 8601"""
    try:
        return timeutils.normalize_time(timeutils.parse_isotime(value))
    except ValueError:
        raise exception.ValidationError(
            attribute='changes-since', reason='%r is not an ISO 8601 '
            'date and time' % value[:64]) from None


def _wanted_properties(args):
    wanted = {}
    for name, value in args.items():
        if name in _PROPERTY_FILTERS:
            if name == 'server':
                value = value.rstrip('/').rsplit('/', 1)[-1]
            wanted[_PROPERTY_FILTERS[name]] = value
        elif name.startswith(_PROPERTY_PREFIX) and \
                len(name) > len(_PROPERTY_PREFIX):
            wanted[name[len(_PROPERTY_PREFIX):]] = value
    return wanted


def row_filter(args):
    """Predicate on image dicts for the filters on properties, times and
    minimums (see the module doc).

    :raises: ValidationError (400) for a bad ``changes-since``,
        ``minRam`` or ``minDisk``
    """
    wanted = _wanted_properties(args)
    since = _changes_since(args['changes-since']) \
        if 'changes-since' in args else None
    minimums = {column: openstack.parse_int(args[name], name, minimum=0)
                for name, column in _MINIMUM_FILTERS.items()
                if name in args}

    def keep(image):
        extras = image_views.extra_properties(image)
        changed = image['updated_at'] or image['created_at']
        return (all(str(extras.get(k)) == v for k, v in wanted.items())
                and (since is None or changed >= since)
                and all((image[c] or 0) >= m for c, m in minimums.items()))
    return keep
