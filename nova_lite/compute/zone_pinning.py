"""The availability zone a server is pinned to (compute API
microversions 2.96 and 2.104).

A server's ``instances.availability_zone`` is the zone its create
request asked for (what a request spec keeps): the zone it is pinned
to, None when it may be placed in any.  The zone the server *is* in is
its host's (``availability_zones.host_zone``), or the pinned zone while
it has no host.

Rules of 2.104 (compute API reference, "Update Server"): null unpins;
a zone pins only a server that is not pinned yet, and only to the zone
it is in; a pinned server may be "pinned" again to the same zone (no
change); any other zone is a 409.
"""
from nova_lite import availability_zones
from nova_lite.db import aggregates as aggregate_db
from nova_lite import exception


def pinned_zone(instance):
    """The zone ``instance`` is pinned to, or None."""
    return instance.availability_zone or None


def current_zone(context, instance, host_zones=None):
    """The zone ``instance`` is in: its host's, else its pinned zone.

    :param host_zones: ``{host: zone}`` of the zone aggregates' hosts
        (``nova_lite.db.aggregates.host_zones``), read when None
    """
    if not instance.host:
        return pinned_zone(instance)
    if host_zones is None:
        host_zones = aggregate_db.host_zones(context.elevated())
    return availability_zones.host_zone(instance.host, host_zones)


def pin_values(context, instance, zone):
    """The ``instances`` values pinning ``instance`` to ``zone`` (None:
    unpin); {} when nothing changes.

    :raises: Conflict (409) to change a pinned zone to another one, or
        to pin to a zone the server is not in
    """
    pinned = pinned_zone(instance)
    if zone is None:
        return {'availability_zone': None} if pinned is not None else {}
    if pinned is not None:
        if zone != pinned:
            raise exception.Conflict(
                'Cannot change pinned availability zone %s to %s: unpin '
                'it first (pinned_availability_zone null).'
                % (pinned, zone[:255]))
        return {}
    current = current_zone(context, instance)
    if zone != current:
        raise exception.Conflict(
            'Server can only be pinned to its current availability zone '
            '%r, not %r.' % (current, zone[:255]))
    return {'availability_zone': zone}


def host_zones(context, instances):
    """``{host: zone}`` of the zone aggregates' hosts, read only when
    one of ``instances`` has a host (for ``current_zone``)."""
    if not any(instance.host for instance in instances):
        return {}
    return aggregate_db.host_zones(context.elevated())
