"""A server's NICs after its build: the ports of interface attach and
detach (compute API reference, "Port interfaces (servers,
os-interface)"; doc/interfaces.md).

- attach with a network: a new port on it (``device_owner``
  ``compute:<az>``, ``auto_delete``: nova_lite made it, so it is
  deleted at detach and with the server), one address of its first
  subnet with a free one or the requested ``fixed_ip``;
- attach with a port: the caller's unbound port with an address is
  bound to the server (``device_id``); it is kept, unbound, at detach;
- a port made for an attach counts against the project's ``port``
  quota, as one made through the Networking API;
- either way the server's security-group peers learn its new address
  list (``port_security.members_changed``); detach also drops the NAT
  of the port's floating IPs (they are disassociated when the port is
  deleted);
- ``addFixedIp``/``removeFixedIp`` (compute API up to 2.43, CloudStack
  ``addIpToNic``/``removeIpFromNic``): an address more or less on a
  NIC's port; the NIC stays (a port keeps at least one address).
"""
from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.db import network as network_db
from nova_lite.db import ports as port_db
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite.network import errors
from nova_lite.network import nat
from nova_lite.network import port_security
from nova_lite.network import ports as net_ports
from nova_lite.network import quotas

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def device_owner(instance):
    """``compute:<availability zone>`` of a server's NIC (an Instance
    or a dict with ``availability_zone``)."""
    zone = (instance.get('availability_zone') if isinstance(instance, dict)
            else instance.availability_zone)
    return 'compute:%s' % (zone or CONF.compute.default_availability_zone)


def list_ports(context, instance_uuid):
    """The server's ports (``nova_lite.db.ports.ports_get`` dicts), by
    id."""
    return port_db.ports_get(context.elevated(), device_id=instance_uuid)


def get_port(context, instance_uuid, port_id):
    """The server's port ``port_id``.

    :raises: PortNotFound (404) when the server has no such port
    """
    for port in list_ports(context, instance_uuid):
        if port['uuid'] == port_id:
            return port
    raise errors.PortNotFound(port_id=port_id)


def default_network(context):
    """The network of an attach naming none: the caller's project's
    network when it has exactly one with a subnet, else the flat
    network (as a server create without ``networks``).

    :returns: the network's uuid
    :raises: NetworkAmbiguous (409) when the project has several
    """
    _network_request, requests = network_api.resolve_requests(context, None)
    if requests:
        return requests[0]['network_id']
    return network_api.get_default_network(context)['uuid']


def allocate_port(context, instance, net_id=None, port_id=None,
                  fixed_ip=None, tag=None):
    """Give the server (an Instance) a new NIC: a port made on network
    ``net_id`` (with ``fixed_ip`` when given), or the caller's port
    ``port_id`` bound to it; ``tag`` is the NIC's device tag.

    :returns: the port's uuid
    :raises: NetworkNotFound, PortNotFound (404), PortInUse, OverQuota
        (the project's ``port`` quota), IpAddressAlreadyAllocated,
        IpAddressGenerationFailure (409),
        BadRequest, InvalidIpForNetwork (400),
        ExternalNetworkAttachForbidden (403)
    """
    owner = device_owner(instance)
    if port_id:
        project = None if context.is_admin else context.project_id
        found = port_db.ports_get(context, project, [port_id])
        if not found:
            raise errors.PortNotFound(port_id=port_id)
        if found[0]['device_id']:
            raise errors.PortInUse(port_id=port_id,
                                   net_id=found[0]['network']['uuid'],
                                   device_id=found[0]['device_id'])
        if not found[0]['fixed_ips']:
            raise errors.BadRequest(attribute='port_id', reason='port %s '
                                    'has no fixed IP: a NIC of nova_lite '
                                    'needs an address' % port_id)
        port_db.port_bind(context, port_id, instance.uuid, owner, tag=tag)
    else:
        network_api.check_requests(context, [
            {'network_id': net_id, 'fixed_ip': fixed_ip}])
        network = network_api.visible_networks(context, [net_id])[0]
        # The port counts against its project's quota, as one made
        # through the Networking API.
        quotas.check(context, instance.project_id, 'port',
                     port_db.ports_count(context, instance.project_id))
        port_id = network_db.fixed_ip_allocate(
            context, network['id'], instance.uuid, fixed_ip=fixed_ip,
            device_owner=owner, project_id=instance.project_id,
            check_existing=False, tag=tag)['port_id']
    _members_changed(context, instance.uuid)
    LOG.info('Port %s attached to server %s', port_id, instance.uuid)
    return port_id


def release_port(context, instance_uuid, port_id):
    """The NIC ``port_id`` left the server: delete the port nova_lite
    made, unbind the user's (``ports.port_release``); the server's
    peers and its floating IPs' NAT follow. Idempotent.

    :returns: 'deleted', 'unbound' or None (not the server's port)
    """
    hosts = nat.instance_hosts(context, instance_uuid)
    done = port_db.port_release(context, port_id, instance_uuid)
    if done is not None:
        _members_changed(context, instance_uuid)
        nat.push(context, hosts)
        LOG.info('Port %s of server %s %s', port_id, instance_uuid, done)
    return done


def nic_port(context, instance_uuid, network_uuid=None, port_uuid=None):
    """The server's port ``port_uuid``, or its first port on network
    ``network_uuid``.

    :raises: PortNotFound, NetworkNotFoundForInstance (404)
    """
    if port_uuid is not None:
        return get_port(context, instance_uuid, port_uuid)
    for port in list_ports(context, instance_uuid):
        if port['network']['uuid'] == network_uuid:
            return port
    raise exception.NetworkNotFoundForInstance(network_id=network_uuid,
                                               instance_uuid=instance_uuid)


def add_fixed_ip(context, port, address=None):
    """``addFixedIp`` / ``addIpToNic``: one more address on ``port`` (a
    ``nic_port`` dict): ``address`` when given, else a free one of the
    first of its network's subnets with one; the port keeps its other
    addresses (Nova's Neutron path: the port's ``fixed_ips`` gain a
    subnet). The server's security-group peers learn its address list.

    :returns: the address
    :raises: NoMoreFixedIps (400), InvalidIpForNetwork,
        InvalidIpForSubnet (400), IpAddressAlreadyAllocated (409)
    """
    admin = context.elevated()
    network = port['network']
    if address:
        requests = net_ports.address_requests(admin, network,
                                              [{'ip_address': address}])
    else:
        requests = [{'subnet': s, 'ip_address': None} for s in
                    network_db.subnets_get(admin,
                                           network_ids=[network['id']])]
    try:
        address = port_db.port_address_add(admin, port['uuid'], requests,
                                           network['uuid'])
    except errors.IpAddressGenerationFailure:
        raise exception.NoMoreFixedIps(network_id=network['uuid']) from None
    _members_changed(context, port['device_id'])
    LOG.info('Fixed IP %s added to port %s of server %s', address,
             port['uuid'], port['device_id'])
    return address


def remove_fixed_ip(context, instance_uuid, address):
    """``removeFixedIp``: free ``address`` of the server's port holding
    it (a floating IP on it is disassociated and its NAT dropped); the
    port stays with its other addresses.

    :returns: the port's uuid
    :raises: FixedIpNotFoundForInstance (400, as Nova), FixedIpLastOfPort
        (400: the NIC's only address)
    """
    for port in list_ports(context, instance_uuid):
        if address not in [f['ip_address'] for f in port['fixed_ips']]:
            continue
        hosts = nat.instance_hosts(context, instance_uuid)
        done = port_db.port_address_remove(context.elevated(), port['uuid'],
                                           address)
        if done == 'last':
            raise exception.FixedIpLastOfPort(
                address=address, port_id=port['uuid'],
                instance_uuid=instance_uuid)
        if done is None:
            break
        _members_changed(context, instance_uuid)
        nat.push(context, hosts)
        LOG.info('Fixed IP %s removed from port %s of server %s', address,
                 port['uuid'], instance_uuid)
        return port['uuid']
    raise exception.FixedIpNotFoundForInstance(instance_uuid=instance_uuid,
                                               address=address)


def _members_changed(context, instance_uuid):
    addresses = [vif.address for vif in
                 network_api.get_instance_nw_info(context, instance_uuid)]
    port_security.members_changed(context, instance_uuid, addresses)


def vif_of(context, instance_uuid, port_id):
    """The server's VIF (objects.VIF) of port ``port_id``, or None."""
    for vif in network_api.get_instance_nw_info(context, instance_uuid):
        if vif.port_id == port_id:
            return vif
    return None

