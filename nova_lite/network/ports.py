"""Ports with the Networking API's semantics (Networking API reference,
"Ports"): NICs on a network, made by users (``POST /ports``, with or
without a server) or for a server by its create request.

- a port gets one address of the first subnet of its network with a
  free one unless ``fixed_ips`` says which (``{"subnet_id"}``, an
  address of that subnet; ``{"ip_address"}``, of the subnet holding it;
  both); an address held by another port is a 409
  ``IpAddressAlreadyAllocated``, a full network a 409
  ``IpAddressGenerationFailure``, an address outside its subnet a 400
  ``InvalidIpForSubnet``;
- ``mac_address`` is random (``fa:16:3e``) unless given (409
  ``MacAddressInUse`` when another port has it);
- ``security_groups``: the given groups of the project (the project's
  ``default`` group when none are given); a server's port made for it
  shows its server's groups;
- creating counts against the project's ``port`` quota.
"""
import ipaddress

from oslo_log import log as logging

from nova_lite.db import l3 as l3_db
from nova_lite.db import network as network_db
from nova_lite.db import ports as port_db
from nova_lite.db import security_groups as sg_db
from nova_lite.network import errors
from nova_lite.network import nat
from nova_lite.network import port_security
from nova_lite.network import quotas
from nova_lite.network import security_groups as sg_api
from nova_lite.network import validate

LOG = logging.getLogger(__name__)
WRITABLE = ('name', 'admin_state_up', 'fixed_ips', 'device_id',
            'device_owner', 'security_groups', 'description',
            'mac_address')


def get_ports(context, project_id=None, port_ids=None, device_id=None):
    """Port dicts of ``nova_lite.db.ports.ports_get`` (all projects when
    ``project_id`` is None) with ``security_group_ids``: the port's
    groups, or its server's for a port made for a server."""
    ports = port_db.ports_get(context, project_id, port_ids, device_id)
    servers = [p['device_id'] for p in ports
               if p['security_groups'] is None and p['device_id']]
    groups = sg_db.groups_of_instances(context, list(set(servers))) \
        if servers else {}
    for port in ports:
        if port['security_groups'] is not None:
            port['security_group_ids'] = list(port['security_groups'])
        else:
            port['security_group_ids'] = [g['uuid'] for g in groups.get(
                port['device_id'], [])]
    return ports


def _subnet_for(subnets, fixed):
    """The subnet of one ``fixed_ips`` item of a port on a network whose
    subnets are ``subnets``."""
    if 'subnet_id' in fixed:
        for subnet in subnets:
            if subnet['uuid'] == fixed['subnet_id']:
                return subnet
        raise errors.BadRequest(attribute='fixed_ips', reason='subnet %s '
                                'is not a subnet of the port\'s network'
                                % str(fixed['subnet_id'])[:64])
    address = ipaddress.ip_address(fixed['ip_address'])
    for subnet in subnets:
        if address in ipaddress.ip_network(subnet['cidr']):
            return subnet
    raise errors.InvalidIpForNetwork(ip_address=fixed['ip_address'])


def _check_address(subnet, address):
    ip = ipaddress.ip_address(address)
    net = ipaddress.ip_network(subnet['cidr'])
    if ip not in net or ip in (net.network_address, net.broadcast_address) \
            or address == subnet['gateway_ip']:
        raise errors.InvalidIpForSubnet(ip_address=address)


def address_requests(context, network, fixed_ips):
    """``[{"subnet", "ip_address"}]`` of a port's ``fixed_ips`` on
    ``network`` (a network dict); None means one address of the first
    subnet with a free one (no subnet: no address).

    :raises: BadRequest, InvalidIpForSubnet, InvalidIpForNetwork (400)
    """
    subnets = network_db.subnets_get(context, [network['id']])
    if fixed_ips is None:
        return [{'subnet': s, 'ip_address': None} for s in subnets[:1]]
    if not isinstance(fixed_ips, list):
        raise errors.BadRequest(attribute='fixed_ips', reason='a list of '
                                '{"subnet_id", "ip_address"} is required')
    requests = []
    for fixed in fixed_ips:
        if not isinstance(fixed, dict) or not fixed or set(fixed) - {
                'subnet_id', 'ip_address'}:
            raise errors.BadRequest(attribute='fixed_ips', reason='each '
                                    'item is {"subnet_id"?, "ip_address"?}')
        address = None
        if 'ip_address' in fixed:
            address = validate.address('fixed_ips', fixed['ip_address'])
        subnet = _subnet_for(subnets, dict(fixed, ip_address=address)
                             if address else fixed)
        if address is not None:
            _check_address(subnet, address)
        requests.append({'subnet': subnet, 'ip_address': address})
    return requests


def _groups(context, project_id, value):
    """The uuids of ``security_groups`` (the caller's visible groups)."""
    if not isinstance(value, list) or not all(isinstance(v, str)
                                              for v in value):
        raise errors.BadRequest(attribute='security_groups', reason='a '
                                'list of security group ids is required')
    for group_id in value:
        group = sg_api.get_group(context, group_id)
        if group['project_id'] != project_id and not sg_api.is_admin(
                context):
            raise errors.SecurityGroupNotFound(id=group_id[:64])
    return list(dict.fromkeys(value))


def _values(context, project_id, body):
    values = {}
    for key, check in (
            ('name', lambda v: validate.string('name', v)),
            ('description', lambda v: validate.string('description', v)),
            ('device_id', lambda v: validate.string('device_id', v)),
            ('device_owner', lambda v: validate.string('device_owner', v)),
            ('admin_state_up',
             lambda v: validate.boolean('admin_state_up', v)),
            ('mac_address', validate.mac),
            ('security_groups',
             lambda v: _groups(context, project_id, v))):
        if key in body:
            values[key] = check(body[key])
    return values


def create_port(context, project_id, network, body):
    """A new port of ``project_id`` on ``network`` (a network dict) from
    the ``body`` attributes (``WRITABLE``).

    :returns: the port dict (``get_ports``)
    :raises: BadRequest, InvalidIpForSubnet (400), OverQuota,
        MacAddressInUse, IpAddressAlreadyAllocated,
        IpAddressGenerationFailure (409)
    """
    values = _values(context, project_id, body)
    requests = address_requests(context, network, body.get('fixed_ips'))
    if 'security_groups' not in values:
        values['security_groups'] = [] if values.get(
            'device_owner', '').startswith('network:') else [
            sg_api.ensure_default(context, project_id)['uuid']]
    quotas.check(context, project_id, 'port',
                 port_db.ports_count(context, project_id))
    port_id = port_db.port_create(context, dict(
        {'name': '', 'description': '', 'device_id': '',
         'device_owner': '', 'admin_state_up': True}, **values,
        network_id=network['id'], project_id=project_id), requests,
        network['uuid'])['port_id']
    LOG.info('Port %s on network %s created', port_id, network['uuid'])
    return get_ports(context.elevated(), port_ids=[port_id])[0]


def update_port(context, port, body):
    """Write the ``body`` attributes on ``port`` (a ``get_ports`` dict);
    ``fixed_ips`` replaces its addresses (kept ones stay; floating IPs
    of the others are disassociated and their NAT dropped; a server's
    port has its security group chains re-applied)."""
    values = _values(context, port['project_id'], body)
    requests = None
    if 'fixed_ips' in body:
        requests = address_requests(context, port['network'],
                                    body['fixed_ips'])
    if 'mac_address' in values and port['instance'] is not None:
        raise errors.PortBound(port_id=port['uuid'],
                               old_mac=port['mac_address'],
                               new_mac=values['mac_address'])
    port_db.port_update(context, port['id'], values, requests,
                        port['network']['uuid'])
    if requests is not None:
        nat.refresh(context, [port['uuid']])
        if port['instance'] is not None:
            _server_addresses_changed(context, port['device_id'])
    return get_ports(context.elevated(), port_ids=[port['uuid']])[0]


def _server_addresses_changed(context, instance_uuid):
    """A server's port has other addresses: its compute re-applies its
    chains (anti-spoofing and ingress follow the addresses) and the
    hosts of peers naming its groups as remote group learn its address
    list. Its DHCP entry follows at the compute's next network resync."""
    admin = context.elevated()
    port_security.refresh_instances(admin, [instance_uuid])
    addresses = [fip['address'] for _net, fip in
                 port_db.fixed_ips_get_by_instance(admin, instance_uuid)]
    port_security.members_changed(admin, instance_uuid, addresses)


def delete_port(context, port):
    """Delete ``port`` and free its addresses; its floating IPs are
    disassociated (and their NAT dropped).

    :raises: L3PortInUse (409) for a router's or floating IP's port
    """
    if port['device_owner'] in l3_db.L3_OWNERS:
        raise errors.L3PortInUse(port_id=port['uuid'],
                                 device_owner=port['device_owner'])
    hosts = l3_db.port_instances(context, [port['uuid']])
    port_db.port_delete(context, port['uuid'])
    LOG.info('Port %s deleted', port['uuid'])
    nat.push(context, hosts)
