"""Availability zones of hosts and services: the names and the mapping
every layer shares (Nova's ``nova.availability_zones``).

A host aggregate whose metadata has ``AZ_KEY`` is an availability zone;
a compute host is in the zone of its zone aggregate, or in ``[compute]
default_availability_zone`` when it is in none ("Host aggregates" and
"Availability Zones" of Nova's admin guide). Services that are not
computes are in ``INTERNAL_ZONE`` (Nova's
``internal_service_availability_zone``).
"""
from oslo_config import cfg

import nova_lite.conf  # noqa: F401 - registers default_availability_zone
from nova_lite import servicegroup

CONF = cfg.CONF

#: Aggregate metadata key naming the aggregate's availability zone.
AZ_KEY = 'availability_zone'
#: Zone of the services that are not computes.
INTERNAL_ZONE = 'internal'


def parse_forced_destination(value):
    """Split a create request's ``availability_zone`` of the forms
    ``ZONE:HOST:NODE``, ``ZONE:HOST``, ``ZONE::NODE`` (the zone part may be
    empty) into ``(zone, host, node)``, each None when not given (compute
    API reference, "Create Server": an admin forces a host or node through
    the zone).  A value without ``:`` is a plain zone: ``(value, None,
    None)``.
    """
    if not value or ':' not in value:
        return value, None, None
    zone, _, rest = value.partition(':')
    host, _, node = rest.partition(':')
    return zone or None, host or None, node or None


def default_zone():
    """``[compute] default_availability_zone``: the zone of compute
    hosts in no zone aggregate."""
    return CONF.compute.default_availability_zone


def host_zone(host, host_zones):
    """The zone of compute host ``host``.

    :param host_zones: ``{host: zone}`` of the hosts of zone aggregates
        (``nova_lite.db.aggregates.host_zones``)
    """
    return host_zones.get(host, default_zone())


def service_zone(service, host_zones):
    """The zone of a service dict: its host's for a compute service,
    ``INTERNAL_ZONE`` for the others."""
    if service['binary'] != servicegroup.COMPUTE:
        return INTERNAL_ZONE
    return host_zone(service['host'], host_zones)
