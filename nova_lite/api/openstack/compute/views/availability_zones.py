"""Availability zone bodies (compute API reference, "Availability zones
(os-availability-zone)", microversion 2.1).

Zones are those of zone aggregates, the default zone when a compute
host is in it, and (detail only) the ``internal`` zone of the services
that are not computes.  A zone is available when one of its compute
services is enabled.  In the detail, each host lists its services with
``available`` (heartbeat within ``service_down_time``), ``active``
(enabled) and ``updated_at``.
"""
from nova_lite.api.openstack.compute.views import services as service_views
from nova_lite.api.openstack.compute.views import timestamps


def zone_services(services, host_zones, aggregate_zones, default_zone):
    """``{zone: [service, ...]}`` of every zone, in name order; aggregate
    zones without services map to []."""
    zones = {name: [] for name in aggregate_zones}
    for service in services:
        name = service_views.zone(service, host_zones, default_zone)
        zones.setdefault(name, []).append(service)
    return dict(sorted(zones.items()))


def _available(services):
    return any(s['binary'] == service_views.COMPUTE and not s['disabled']
               for s in services)


def summary(name, services):
    """``{"zoneName", "zoneState": {"available"}, "hosts": null}``."""
    return {'zoneName': name, 'zoneState': {'available':
                                            _available(services)},
            'hosts': None}


def _host_services(services, down_time):
    hosts = {}
    for service in services:
        hosts.setdefault(service['host'], {})[
            service_views.api_binary(service['binary'])] = {
            'available': service_views.is_up(service, down_time),
            'active': not service['disabled'],
            'updated_at': timestamps.legacy_isotime(
                service_views.updated_at(service)),
        }
    return hosts


def detail(name, services, down_time):
    """A zone with ``hosts``: ``{host: {binary: {available, active,
    updated_at}}}`` (null for a zone without services); the internal
    zone is available when it has services."""
    body = summary(name, services)
    if name == service_views.INTERNAL_ZONE:
        body['zoneState']['available'] = bool(services)
    body['hosts'] = _host_services(services, down_time) or None
    return body
