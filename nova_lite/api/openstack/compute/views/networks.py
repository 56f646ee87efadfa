"""Network bodies (compute API reference, "Networks (os-networks)
(DEPRECATED)", microversion 2.1) of nova_lite's flat networks.

Admins see every field of the reference; others the subset Nova shows
them (id, label, cidr, netmask, gateway, broadcast, dns1/2 and the IPv6
fields).  Fields of nova-network features nova_lite does not have
(VLANs, VPN, DHCP server, IPv6, per-project networks) are null or false.
"""
from nova_lite.api.openstack.compute.views import timestamps

_USER_FIELDS = ('id', 'label', 'cidr', 'netmask', 'gateway', 'broadcast',
                'dns1', 'dns2', 'cidr_v6', 'gateway_v6', 'netmask_v6')


def _all_fields(network):
    return {
        'bridge': network['bridge'], 'bridge_interface': None,
        'broadcast': network['broadcast'], 'cidr': network['cidr'],
        'cidr_v6': None,
        'created_at': timestamps.legacy_isotime(network['created_at']),
        'deleted': bool(network['deleted']),
        'deleted_at': timestamps.legacy_isotime(network['deleted_at']),
        'dhcp_server': None, 'dhcp_start': None, 'dns1': None,
        'dns2': None, 'enable_dhcp': False, 'gateway': network['gateway'],
        'gateway_v6': None, 'host': None, 'id': network['uuid'],
        'injected': False, 'label': network['label'], 'mtu': None,
        'multi_host': False, 'netmask': network['netmask'],
        'netmask_v6': None, 'priority': None, 'project_id': None,
        'rxtx_base': None, 'share_address': False,
        'updated_at': timestamps.legacy_isotime(network['updated_at']),
        'vlan': None, 'vpn_private_address': None,
        'vpn_public_address': None, 'vpn_public_port': None,
    }


def network(row, is_admin):
    """One network: all fields for admins, the user subset otherwise."""
    body = _all_fields(row)
    if is_admin:
        return body
    return {name: body[name] for name in _USER_FIELDS}
