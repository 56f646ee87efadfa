"""Floating IPs with the Networking API's semantics (Networking API
reference, "Floating IPs"):

- a floating IP is an address of a ``router:external`` network (400
  "... is not a valid external network" otherwise), from the pools of
  its ``subnet_id`` or its first subnet, taken by a
  ``network:floatingip`` port of that network with the fixed IPs' IPAM
  (409 ``IpAddressAlreadyAllocated`` / ``IpAddressGenerationFailure``);
  ``floating_ip_address`` chooses it (policy
  ``create_floatingip:floating_ip_address``, admins);
- ``port_id`` (with ``fixed_ip_address`` when the port has several
  IPv4 addresses) associates it with a fixed IP of a port of its
  project, on create or update; ``port_id: null`` disassociates. The
  fixed IP's subnet must be an interface of a router whose gateway is
  on the floating IP's network (404
  ``ExternalGatewayForFloatingIPNotFound``); that router is its
  ``router_id``; one fixed IP has at most one floating IP per external
  network (409 ``FloatingIPPortAlreadyAssociated``);
- ``status`` is ACTIVE while associated, DOWN otherwise;
- creating counts against the project's ``floatingip`` quota;
- every association change is pushed to the compute of the port's
  server (``nat.refresh``), which keeps the 1:1 NAT.
"""
import ipaddress

from oslo_log import log as logging

from nova_lite.db import l3 as l3_db
from nova_lite.db import network as network_db
from nova_lite.db import ports as port_db
from nova_lite.network import errors
from nova_lite.network import nat
from nova_lite.network import networks as network_service
from nova_lite.network import quotas
from nova_lite.network import validate

LOG = logging.getLogger(__name__)
WRITABLE = ('port_id', 'fixed_ip_address', 'description')
CREATE = WRITABLE + ('floating_network_id', 'floating_ip_address',
                     'subnet_id', 'project_id', 'tenant_id')


def list_floatingips(context, uuids=None, fixed_port_ids=None):
    """Floating IP dicts (``nova_lite.db.l3``) the caller sees."""
    return l3_db.floatingips_get(context, network_service._scope(context),
                                 uuids, fixed_port_ids)


def get_floatingip(context, uuid):
    """:raises: FloatingIPNotFound (404)"""
    found = list_floatingips(context, [uuid])
    if not found:
        raise errors.FloatingIPNotFound(floatingip_id=uuid[:64])
    return found[0]


def external_network(context, network_id):
    """The network dict of ``network_id`` if it is external.

    :raises: NetworkNotFound (404), BadRequest (400)
    """
    network = network_service.get_network(context, network_id)
    if not network['router_external']:
        raise errors.BadRequest(attribute='floating_network_id',
                                reason='Network %s is not a valid external '
                                'network' % network['uuid'])
    return network


def _address_request(context, network, subnet_id, address):
    """``{"subnet", "ip_address"}`` for the new floating IP."""
    subnets = network_db.subnets_get(context, [network['id']])
    if subnet_id is not None:
        subnets = [s for s in subnets if s['uuid'] == subnet_id]
        if not subnets:
            raise errors.BadRequest(attribute='subnet_id', reason='subnet '
                                    '%s is not a subnet of network %s'
                                    % (str(subnet_id)[:64], network['uuid']))
    if address is not None:
        address = validate.address('floating_ip_address', address)
        ip = ipaddress.ip_address(address)
        subnets = [s for s in subnets
                   if ip in ipaddress.ip_network(s['cidr'])]
        if not subnets:
            raise errors.InvalidIpForNetwork(ip_address=address)
        net = ipaddress.ip_network(subnets[0]['cidr'])
        if ip in (net.network_address, net.broadcast_address) \
                or address == subnets[0]['gateway_ip']:
            raise errors.InvalidIpForSubnet(ip_address=address)
    if not subnets:
        raise errors.BadRequest(attribute='floating_network_id', reason=(
            'network %s has no subnet' % network['uuid']))
    return {'subnet': subnets[0], 'ip_address': address}


def create_floatingip(context, project_id, body):
    """A new floating IP of ``project_id`` (``CREATE`` attributes;
    ``floating_network_id`` required), associated when ``port_id`` is
    given.

    :returns: the floating IP dict
    :raises: BadRequest, InvalidIpForNetwork (400), NetworkNotFound,
        PortNotFound, ExternalGatewayForFloatingIPNotFound (404),
        OverQuota, IpAddressAlreadyAllocated,
        IpAddressGenerationFailure (409)
    """
    if not isinstance(body.get('floating_network_id'), str):
        raise errors.BadRequest(attribute='floating_network_id',
                                reason='a network id is required')
    network = external_network(context, body['floating_network_id'])
    request = _address_request(context, network, body.get('subnet_id'),
                               body.get('floating_ip_address'))
    description = validate.string('description', body.get('description'))
    quotas.check(context, project_id, 'floatingip',
                 l3_db.floatingips_count(context, project_id))
    uuid = l3_db.floatingip_create(context, {
        'project_id': project_id, 'floating_network_id': network['id'],
        'description': description}, request, network['uuid'])
    fip = get_floatingip(context.elevated(), uuid)
    LOG.info('Floating IP %s (%s) of project %s created', uuid,
             fip['floating_ip_address'], project_id)
    if body.get('port_id') is not None:
        try:
            return update_floatingip(context, fip, {
                k: body[k] for k in ('port_id', 'fixed_ip_address')
                if k in body})
        except Exception:
            l3_db.floatingip_delete(context, uuid)
            raise
    return fip


def _fixed_ip(port, fixed_ip_address):
    """``(subnet uuid, address)`` of the port's fixed IP to map."""
    fixed = [f for f in port['fixed_ips']
             if ipaddress.ip_address(f['ip_address']).version == 4]
    if fixed_ip_address is not None:
        address = validate.address('fixed_ip_address', fixed_ip_address)
        fixed = [f for f in fixed if f['ip_address'] == address]
        if not fixed:
            raise errors.BadRequest(attribute='fixed_ip_address', reason=(
                'Port %s does not have fixed ip %s' % (port['uuid'],
                                                       address)))
    if not fixed:
        raise errors.BadRequest(attribute='port_id', reason='Port %s does '
                                'not have an IPv4 fixed ip' % port['uuid'])
    if len(fixed) > 1:
        raise errors.BadRequest(attribute='fixed_ip_address', reason=(
            'Port %s has multiple fixed IPv4 addresses. Must provide a '
            'specific IPv4 address when assigning a floating IP'
            % port['uuid']))
    return fixed[0]['subnet_id'], fixed[0]['ip_address']


def _association(context, fip, body):
    """The ``floatingips`` columns of an association with ``body``'s
    ``port_id`` / ``fixed_ip_address`` (all None for ``port_id`` null)."""
    port_id = body.get('port_id')
    if port_id is None:
        if body.get('fixed_ip_address') is not None:
            raise errors.BadRequest(attribute='fixed_ip_address', reason=(
                'fixed_ip_address cannot be given without port_id'))
        return {'fixed_port_id': None, 'fixed_ip_address': None,
                'router_id': None}
    if not isinstance(port_id, str):
        raise errors.BadRequest(attribute='port_id', reason='a port id '
                                'is required')
    found = port_db.ports_get(context, network_service._scope(context),
                              [port_id])
    if not found:
        raise errors.PortNotFound(port_id=port_id[:64])
    port = found[0]
    if port['project_id'] != fip['project_id'] \
            or port['device_owner'].startswith('network:'):
        raise errors.BadRequest(attribute='port_id', reason=(
            'Cannot bind floating IP %s to port %s: the port is of another '
            'project or of the network itself' % (fip['uuid'], port_id)))
    subnet_id, address = _fixed_ip(port, body.get('fixed_ip_address'))
    router = l3_db.router_for(context, fip['floating_network_id'],
                              subnet_id)
    if router is None:
        raise errors.ExternalGatewayForFloatingIPNotFound(
            external_network_id=fip['floating_network_uuid'],
            subnet_id=subnet_id, port_id=port['uuid'])
    return {'fixed_port_id': port['uuid'], 'fixed_ip_address': address,
            'router_id': router}


def update_floatingip(context, fip, body):
    """Associate (``port_id``), disassociate (``port_id`` null) or
    describe ``fip``; returns it anew.

    :raises: as ``create_floatingip``; FloatingIPPortAlreadyAssociated
    """
    values = {}
    if 'port_id' in body:
        values.update(_association(context, fip, body))
    elif 'fixed_ip_address' in body:
        raise errors.BadRequest(attribute='fixed_ip_address', reason=(
            'fixed_ip_address cannot be given without port_id'))
    if 'description' in body:
        values['description'] = validate.string('description',
                                                body['description'])
    l3_db.floatingip_update(context, fip['uuid'], values)
    updated = get_floatingip(context.elevated(), fip['uuid'])
    if 'port_id' in body:
        LOG.info('Floating IP %s: port %s', fip['uuid'],
                 updated['fixed_port_id'])
        nat.refresh(context, [fip['fixed_port_id'],
                              updated['fixed_port_id']])
    return updated


def delete_floatingip(context, fip):
    """Delete ``fip`` and free its address (its NAT goes)."""
    l3_db.floatingip_delete(context, fip['uuid'])
    LOG.info('Floating IP %s deleted', fip['uuid'])
    nat.refresh(context, [fip['fixed_port_id']])


# ------------------------------------------ compute API proxies (Nova's)

def pools(context):
    """The external network dicts the caller sees: the compute API's
    floating IP pools (``os-floating-ip-pools``, by name)."""
    return [n for n in network_service.list_networks(context)
            if n['router_external']]


def pool_network(context, name):
    """The external network named (or with id) ``name``.

    :raises: NetworkNotFound (404)
    """
    for network in pools(context):
        if name in (network['label'], network['uuid']):
            return network
    raise errors.NetworkNotFound(net_id=str(name)[:64])


def get_by_address(context, address):
    """The caller's floating IP of ``address``.

    :raises: FloatingIPNotFound (404)
    """
    for fip in list_floatingips(context):
        if fip['floating_ip_address'] == address:
            return fip
    raise errors.FloatingIPNotFound(floatingip_id=str(address)[:64])


def server_port(context, server_id, fixed_address=None):
    """``(port uuid, fixed address)`` of the server's NIC holding
    ``fixed_address`` (its first IPv4 address when None), or
    ``(None, None)``."""
    for port in port_db.ports_get(context, network_service._scope(context),
                                  device_id=server_id):
        for fixed in port['fixed_ips']:
            address = fixed['ip_address']
            if ipaddress.ip_address(address).version != 4:
                continue
            if fixed_address in (None, address):
                return port['uuid'], address
    return None, None


def instance_ids(context, fips):
    """``{port uuid: server uuid}`` of the fixed ports of ``fips``."""
    wanted = [f['fixed_port_id'] for f in fips if f['fixed_port_id']]
    if not wanted:
        return {}
    return {p['uuid']: p['device_id'] or None for p in port_db.ports_get(
        context, None, wanted)}


def floating_of_instances(context, instance_uuids):
    """``{instance uuid: {fixed address: [floating address]}}`` of the
    floating IPs associated with the servers' ports (the server views'
    ``addresses``, compute API reference "Servers"), by floating IP id:
    one statement, none for an empty list. The caller has checked the
    servers are visible to ``context``."""
    found = {}
    if not instance_uuids:
        return found
    for row in l3_db.nat_mappings(context, list(instance_uuids)):
        found.setdefault(row['instance_uuid'], {}).setdefault(
            row['fixed_ip_address'], []).append(row['floating_ip_address'])
    return found


def static_nat_of_instances(context, instance_uuids):
    """``{instance uuid: {"publicip", "publicipid"}}``: the first
    floating IP (by id) of each server with one, as CloudStack's
    listVirtualMachines shows a VM's static NAT (API reference,
    "virtualmachine": ``publicip``, ``publicipid``). One statement, none
    for an empty list."""
    found = {}
    if not instance_uuids:
        return found
    for row in l3_db.nat_mappings(context, list(instance_uuids)):
        found.setdefault(row['instance_uuid'], {
            'publicip': row['floating_ip_address'],
            'publicipid': row['floating_ip_id']})
    return found
