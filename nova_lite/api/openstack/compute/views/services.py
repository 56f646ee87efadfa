"""Service bodies (compute API reference, "Compute services
(os-services)", microversions 2.1 and 2.11), and the service facts the
hypervisor and availability zone views share.

nova_lite's services register as ``nova-lite-<name>``
(``nova_lite.servicegroup.BINARIES``); the compute API shows them under
Nova's binary names (``nova-compute``, ``nova-conductor``,
``nova-scheduler``) because its clients and Tempest look services up by
those names.  Either name is accepted as a filter.  Services are the
records of ``nova_lite.compute.host_api`` (``up`` and ``zone`` set).
"""
from nova_lite.api import microversion
from nova_lite.api.openstack.compute.views import timestamps

INTERNAL_PREFIX = 'nova-lite-'
API_PREFIX = 'nova-'


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


def service_id(service):
    """The ``id`` the API shows of a service: the integer before
    microversion 2.53, the uuid from 2.53."""
    return service['uuid'] if microversion.at_least('2.53') \
        else service['id']


def state(service):
    """``up`` or ``down``."""
    return 'up' if service['up'] else 'down'


def status(service):
    """``enabled`` or ``disabled``."""
    return 'disabled' if service['disabled'] else 'enabled'


def updated_at(service):
    """Time of the last heartbeat (or change) of a service."""
    return service['last_seen_up'] or service['updated_at']


def detail(service):
    """An item of List Compute Services (2.1: integer ``id``, its
    ``uuid`` from microversion 2.53); the boolean ``forced_down`` from
    2.11."""
    body = {
        'id': service_id(service), 'binary': api_binary(service['binary']),
        'host': service['host'], 'zone': service['zone'],
        'status': status(service), 'state': state(service),
        'updated_at': timestamps.legacy_isotime(updated_at(service)),
        'disabled_reason': service['disabled_reason'],
    }
    if microversion.at_least('2.11'):
        body['forced_down'] = bool(service.get('forced_down'))
    return body
