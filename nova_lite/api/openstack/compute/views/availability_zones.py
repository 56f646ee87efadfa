"""Availability zone bodies (compute API reference, "Availability zones
(os-availability-zone)", microversion 2.1).

Zones are those of zone aggregates, the default zone when a compute
host is in it, and (detail only) the ``internal`` zone of the services
that are not computes (``nova_lite.compute.host_api.zone_services``).
A zone is available when one of its compute services is enabled.  In
the detail, each host lists its services with ``available`` (the
service is up, ``nova_lite.servicegroup``), ``active`` (enabled) and
``updated_at``.
"""
from nova_lite import availability_zones
from nova_lite.api.openstack.compute.views import services as service_views
from nova_lite.api.openstack.compute.views import timestamps
from nova_lite import servicegroup


def _available(services):
    return any(s['binary'] == servicegroup.COMPUTE and not s['disabled']
               for s in services)


def summary(name, services):
    """``{"zoneName", "zoneState": {"available"}, "hosts": null}``."""
    return {'zoneName': name, 'zoneState': {'available':
                                            _available(services)},
            'hosts': None}


def _host_services(services):
    hosts = {}
    for service in services:
        hosts.setdefault(service['host'], {})[
            service_views.api_binary(service['binary'])] = {
            'available': service['up'],
            'active': not service['disabled'],
            'updated_at': timestamps.legacy_isotime(
                service_views.updated_at(service)),
        }
    return hosts


def detail(name, services):
    """A zone with ``hosts``: ``{host: {binary: {available, active,
    updated_at}}}`` (null for a zone without services); the internal
    zone is available when it has services."""
    body = summary(name, services)
    if name == availability_zones.INTERNAL_ZONE:
        body['zoneState']['available'] = bool(services)
    body['hosts'] = _host_services(services) or None
    return body
