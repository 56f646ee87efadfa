"""Service bodies (compute API reference, "Compute services
(os-services)", microversion 2.1), and the service facts the hypervisor
and availability zone views share.

nova_lite's services register as ``nova-lite-<name>``; the compute API
shows them under Nova's binary names (``nova-compute``,
``nova-conductor``, ``nova-scheduler``) because its clients and Tempest
look services up by those names.  Either name is accepted as a filter.
"""
import datetime

from nova_lite.api.openstack.compute.views import timestamps

INTERNAL_PREFIX = 'nova-lite-'
API_PREFIX = 'nova-'
COMPUTE = 'nova-lite-compute'
#: Zone of the services that are not computes (Nova's
#: ``internal_service_availability_zone``).
INTERNAL_ZONE = 'internal'


def api_binary(binary):
    """``nova-lite-compute`` → ``nova-compute``."""
    if binary.startswith(INTERNAL_PREFIX):
        return API_PREFIX + binary[len(INTERNAL_PREFIX):]
    return binary


def internal_binary(binary):
    """``nova-compute`` → ``nova-lite-compute`` (internal names stay)."""
    if binary.startswith(API_PREFIX) and \
            not binary.startswith(INTERNAL_PREFIX):
        return INTERNAL_PREFIX + binary[len(API_PREFIX):]
    return binary


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def is_up(service, down_time, now=None):
    """True when the service heartbeated within ``down_time`` seconds and
    is not forced down."""
    seen = service['last_seen_up'] or service['updated_at'] or \
        service['created_at']
    now = now or _utcnow()
    return (not service['forced_down'] and seen is not None
            and now - seen <= datetime.timedelta(seconds=down_time))


def zone(service, host_zones, default_zone):
    """The availability zone shown for a service."""
    if service['binary'] != COMPUTE:
        return INTERNAL_ZONE
    return host_zones.get(service['host'], default_zone)


def updated_at(service):
    """Time of the last heartbeat (or change) of a service."""
    return service['last_seen_up'] or service['updated_at']


def detail(service, host_zones, conf, now=None):
    """An item of List Compute Services (2.1: integer ``id``)."""
    return {
        'id': service['id'], 'binary': api_binary(service['binary']),
        'host': service['host'],
        'zone': zone(service, host_zones,
                     conf.compute.default_availability_zone),
        'status': 'disabled' if service['disabled'] else 'enabled',
        'state': 'up' if is_up(service, conf.service_down_time, now)
        else 'down',
        'updated_at': timestamps.legacy_isotime(updated_at(service)),
        'disabled_reason': service['disabled_reason'],
    }
