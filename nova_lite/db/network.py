"""SQL of networks and subnets (``networks``, ``subnets``): the
deployment's flat network (``config_key``) and the networks and subnets
projects create through the Networking API. Networks and subnets leave
as dicts of their columns; a network dict of ``networks_get`` also has
``subnets`` (the uuids of its subnets, by id). Ports and addresses:
``nova_lite.db.ports``.
"""
import ipaddress
import uuid as uuidlib

from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db import ports as port_db
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception
from nova_lite.network import errors

#: uuid5 namespace of the flat networks' subnet ids (stable: the ids the
#: API showed before subnets were rows, Alembic 0022).
SUBNET_NAMESPACE = uuidlib.UUID('0f7d2c8e-6a34-5b1e-9d2f-4c8b7e1a3d55')


def host_pools(cidr, gateway):
    """``[{"start", "end"}]``: the host addresses of ``cidr`` but
    ``gateway``, as contiguous ranges."""
    pools, start, previous = [], None, None
    for address in ipaddress.ip_network(cidr).hosts():
        if str(address) == gateway:
            if start is not None:
                pools.append({'start': str(start), 'end': str(previous)})
            start = None
            continue
        start = start or address
        previous = address
    if start is not None:
        pools.append({'start': str(start), 'end': str(previous)})
    return pools


@retry_on_deadlock
def network_create(context, label, cidr, gateway=None, bridge=None,
                   dns_nameservers=()):
    """Create the deployment's flat network ``label`` (shared, of no
    project) and its subnet (all hosts of ``cidr`` but the gateway).
    Idempotent by label (``config_key``).

    :returns: the network dict
    """
    net = ipaddress.ip_network(cidr, strict=False)
    gateway = gateway or str(next(net.hosts()))
    try:
        with writer(context) as session:
            row = models.Network(
                uuid=str(uuidlib.uuid4()), label=label, cidr=str(net),
                gateway=gateway, netmask=str(net.netmask),
                broadcast=str(net.broadcast_address), bridge=bridge,
                config_key=label, project_id='', shared=True)
            session.add(row)
            session.flush()
            session.add(models.Subnet(
                uuid=str(uuidlib.uuid5(SUBNET_NAMESPACE, row.uuid)),
                network_id=row.id, project_id='', name=label,
                cidr=str(net), gateway_ip=gateway,
                allocation_pools=host_pools(str(net), gateway),
                dns_nameservers=list(dns_nameservers), host_routes=[]))
            return to_dict(row)
    except db_exc.DBDuplicateEntry:
        return network_get_by_label(context, label)


def network_get_by_label(context, label):
    """The flat network of ``[network] label`` ``label``.

    :raises: NetworkNotFound
    """
    with reader(context) as session:
        row = session.scalars(sa.select(models.Network).filter_by(
            config_key=label, deleted=0)).first()
        if row is None:
            raise exception.NetworkNotFound(network_id=label)
        return to_dict(row)


def network_get_all(context):
    """Every live network's dict, by id."""
    with reader(context) as session:
        return [to_dict(r) for r in session.scalars(sa.select(
            models.Network).filter_by(deleted=0).order_by(models.Network.id))]


def network_labels(context, network_ids):
    """``{network id: label}`` of the networks of ``network_ids``
    (deleted ones too: a NIC may outlive a network's rename)."""
    net = models.Network
    with reader(context) as session:
        return dict(session.execute(sa.select(net.id, net.label).where(
            net.id.in_(list(network_ids)))).all())


def networks_get(context, project_id=None, uuids=None):
    """Live network dicts, by id, each with ``subnets`` (uuids): those
    ``project_id`` may see (its own, the shared and the external ones;
    all when None),
    restricted to ``uuids`` when given."""
    net, sub = models.Network, models.Subnet
    query = sa.select(net).where(net.deleted == 0).order_by(net.id)
    if project_id is not None:
        query = query.where(sa.or_(net.project_id == project_id,
                                   net.shared.is_(True),
                                   net.router_external.is_(True)))
    if uuids is not None:
        query = query.where(net.uuid.in_(list(uuids)))
    with reader(context) as session:
        networks = [to_dict(r) for r in session.scalars(query)]
        subnets = {}
        if networks:
            for network_id, uuid in session.execute(
                    sa.select(sub.network_id, sub.uuid).where(
                        sub.network_id.in_([n['id'] for n in networks]))
                    .order_by(sub.id)):
                subnets.setdefault(network_id, []).append(uuid)
    for network in networks:
        network['subnets'] = subnets.get(network['id'], [])
    return networks


def project_network_uuids(context, project_id):
    """The uuids of the live networks owned by ``project_id`` that have
    a subnet, by id; one statement."""
    net, sub = models.Network, models.Subnet
    with reader(context) as session:
        return list(session.scalars(
            sa.select(net.uuid).where(
                net.project_id == project_id, net.deleted == 0,
                sa.exists().where(sub.network_id == net.id))
            .order_by(net.id)))


@retry_on_deadlock
def network_add(context, values):
    """Insert a project network (``values``: label, project_id, shared,
    admin_state_up, mtu, router_external, description).

    :returns: the network dict (``subnets`` empty)
    """
    with writer(context) as session:
        row = models.Network(uuid=str(uuidlib.uuid4()), status='ACTIVE',
                             **values)
        session.add(row)
        session.flush()
        network = to_dict(row)
    network['subnets'] = []
    return network


@retry_on_deadlock
def network_update(context, network_id, values):
    """Write ``values`` on the live network of id ``network_id`` and
    count a revision. :raises: NetworkNotFound (Networking API)"""
    net = models.Network
    with writer(context) as session:
        done = session.execute(sa.update(net).where(
            net.id == network_id, net.deleted == 0).values(
            dict(values, revision_number=net.revision_number + 1,
                 updated_at=utcnow()))).rowcount
    if not done:
        raise errors.NetworkNotFound(net_id=network_id)


@retry_on_deadlock
def network_delete(context, network_id, uuid):
    """Delete a network with its subnets, unless ports are on it.

    :raises: NetworkInUse (409)
    """
    net, sub, port = models.Network, models.Subnet, models.Port
    with writer(context) as session:
        used = session.execute(sa.select(sa.func.count(port.id)).where(
            port.network_id == network_id)).scalar()
        if used:
            raise errors.NetworkInUse(net_id=uuid)
        session.execute(sa.delete(sub).where(sub.network_id == network_id))
        session.execute(sa.update(net).where(net.id == network_id).values(
            deleted=net.id, deleted_at=utcnow()))


def networks_count(context, project_id):
    """The live networks owned by ``project_id``."""
    net = models.Network
    with reader(context) as session:
        return session.execute(sa.select(sa.func.count(net.id)).where(
            net.project_id == project_id, net.deleted == 0)).scalar()


# ------------------------------------------------------------------ subnets

def subnets_get(context, network_ids=None, uuids=None):
    """Subnet dicts, by id, with ``network_uuid``; on the networks of ids
    ``network_ids`` and of ``uuids`` when given."""
    sub, net = models.Subnet, models.Network
    query = (sa.select(sub, net.uuid).join(net, net.id == sub.network_id)
             .where(net.deleted == 0).order_by(sub.id))
    if network_ids is not None:
        query = query.where(sub.network_id.in_(list(network_ids)))
    if uuids is not None:
        query = query.where(sub.uuid.in_(list(uuids)))
    with reader(context) as session:
        return [dict(to_dict(s), network_uuid=uuid)
                for s, uuid in session.execute(query)]


@retry_on_deadlock
def subnet_add(context, values):
    """Insert a subnet (``values``: the ``subnets`` columns but id, uuid)
    unless its CIDR overlaps a subnet of its network (checked in the same
    transaction). :raises: InvalidSubnetCidrOverlap (400)"""
    sub = models.Subnet
    new = ipaddress.ip_network(values['cidr'])
    with writer(context) as session:
        for cidr in session.scalars(sa.select(sub.cidr).where(
                sub.network_id == values['network_id'])):
            if ipaddress.ip_network(cidr).overlaps(new):
                raise errors.InvalidSubnetCidrOverlap(
                    cidr=values['cidr'], net_id=values['network_uuid'])
        row = sub(uuid=str(uuidlib.uuid4()), **{
            k: v for k, v in values.items() if k != 'network_uuid'})
        session.add(row)
        session.flush()
        return dict(to_dict(row), network_uuid=values['network_uuid'])


@retry_on_deadlock
def subnet_update(context, subnet_id, values):
    """Write ``values`` on subnet ``subnet_id``; count a revision."""
    sub = models.Subnet
    with writer(context) as session:
        session.execute(sa.update(sub).where(sub.id == subnet_id).values(
            dict(values, revision_number=sub.revision_number + 1,
                 updated_at=utcnow())))


@retry_on_deadlock
def subnet_delete(context, subnet_id, uuid):
    """Delete a subnet unless addresses of it are allocated.

    :raises: SubnetInUse (409)
    """
    sub, fip = models.Subnet, models.FixedIP
    with writer(context) as session:
        used = session.execute(sa.select(sa.func.count(fip.id)).where(
            fip.subnet_id == subnet_id)).scalar()
        if used:
            raise errors.SubnetInUse(subnet_id=uuid)
        session.execute(sa.delete(sub).where(sub.id == subnet_id))


def subnets_count(context, project_id):
    """The subnets owned by ``project_id``."""
    sub = models.Subnet
    with reader(context) as session:
        return session.execute(sa.select(sa.func.count(sub.id)).where(
            sub.project_id == project_id)).scalar()


# ------------------------------------------------------ servers' addresses

def fixed_ip_allocate(context, network_id, instance_uuid, fixed_ip=None,
                      device_owner=None, project_id=None, subnets=None,
                      check_existing=True, check_network=True, tag=None):
    """Give the instance a NIC on network ``network_id``: a port made
    for it (deleted with it) with an address of the first subnet that
    has one free (``fixed_ip`` when given, from the subnet holding it).
    With ``check_existing`` an instance that has an address on the
    network keeps it (idempotent). ``project_id`` (the port's; by default
    the instance's) and ``subnets`` (the network's, by default read; the
    flat network's are cached by the caller) save statements on the boot
    path, and so does ``check_network`` False (the flat network, which
    the API never deletes: no check that it is live). ``tag`` is the
    port's device tag (compute API 2.32, 2.49).

    :returns: dict address, mac, port_id, subnet (the subnet dict)
    :raises: BadRequest (400) when the network has no subnet;
        IpAddressGenerationFailure (409) when all are full;
        IpAddressAlreadyAllocated (409) for a taken ``fixed_ip``
    """
    if check_existing:
        for net, fip in port_db.fixed_ips_get_by_instance(context,
                                                          instance_uuid):
            if net['id'] == network_id and (fixed_ip is None
                                            or fip['address'] == fixed_ip):
                return {'address': fip['address'], 'mac': fip['mac'],
                        'port_id': fip['port_id'], 'subnet': fip['subnet']}
    if subnets is None:
        subnets = subnets_get(context, network_ids=[network_id])
    requests = _address_requests(network_id, subnets, fixed_ip)
    if project_id is None:
        project_id = _instance_project(context, instance_uuid)
    values = {'network_id': network_id, 'project_id': project_id,
              'device_id': instance_uuid, 'auto_delete': True,
              'device_owner': device_owner or 'compute:nova', 'tag': tag}
    failure = None
    for request in requests:
        try:
            made = port_db.port_create(
                context, dict(values), [request], subnets[0]['network_uuid'],
                check_network=check_network)
        except errors.IpAddressGenerationFailure as exc:
            failure = exc
            continue
        subnet, address = made['addresses'][0]
        return {'address': address, 'mac': made['mac'],
                'port_id': made['port_id'],
                'subnet': {k: v for k, v in subnet.items()
                           if k != 'network_uuid'}}
    raise failure


def _instance_project(context, instance_uuid):
    inst = models.Instance
    with reader(context) as session:
        return session.execute(sa.select(inst.project_id).where(
            inst.uuid == instance_uuid)).scalar() or ''


def _address_requests(network_id, subnets, fixed_ip):
    """[{"subnet", "ip_address"}] to try in turn for a server's NIC."""
    if not subnets:
        raise errors.BadRequest(attribute='networks', reason='network %s '
                                'requires a subnet in order to boot '
                                'instances on' % network_id)
    if fixed_ip is None:
        return [{'subnet': s, 'ip_address': None} for s in subnets]
    for subnet in subnets:
        if ipaddress.ip_address(fixed_ip) in ipaddress.ip_network(
                subnet['cidr']):
            return [{'subnet': subnet, 'ip_address': fixed_ip}]
    raise errors.InvalidIpForNetwork(ip_address=fixed_ip)


def fixed_ip_deallocate(context, instance_uuid):
    """The instance is gone: its ports made for it are deleted, the
    others unbound. Idempotent; returns the count."""
    return port_db.ports_release_instance(context, instance_uuid)


def fixed_ips_get_by_instance(context, instance_uuid):
    """[(network dict, fixed_ip dict)] of an instance (see
    ``nova_lite.db.ports.fixed_ips_get_by_instance``)."""
    return port_db.fixed_ips_get_by_instance(context, instance_uuid)


#: Instance columns a port shows (device, owner, binding, status).
_PORT_INSTANCE_COLUMNS = ('project_id', 'host', 'vm_state',
                          'availability_zone', 'created_at', 'updated_at')


def ports_get(context, project_id=None, port_ids=None, host=None,
              instance_uuids=None):
    """The addresses of live instances' ports, one dict per address
    (what security group enforcement needs, ``network.port_security``):
    ``port_id``, ``address``, ``mac``, ``instance_uuid``,
    ``allocated_at``, ``network`` (the network dict) and the instance's
    ``_PORT_INSTANCE_COLUMNS`` under ``instance``; by fixed_ips id.
    ``project_id``/``port_ids``/``host``/``instance_uuids`` restrict
    them. The Networking API's ports: ``nova_lite.db.ports``."""
    fip, net, inst = models.FixedIP, models.Network, models.Instance
    query = (sa.select(fip, net, *(getattr(inst, c)
                                   for c in _PORT_INSTANCE_COLUMNS))
             .join(net, net.id == fip.network_id)
             .join(inst, inst.uuid == fip.instance_uuid)
             .where(inst.deleted == 0, fip.port_id.isnot(None))
             .order_by(fip.id))
    if project_id is not None:
        query = query.where(inst.project_id == project_id)
    if port_ids is not None:
        query = query.where(fip.port_id.in_(list(port_ids)))
    if host is not None:
        query = query.where(inst.host == host)
    if instance_uuids is not None:
        query = query.where(fip.instance_uuid.in_(list(instance_uuids)))
    with reader(context) as session:
        return [{'port_id': f.port_id, 'address': f.address, 'mac': f.mac,
                 'instance_uuid': f.instance_uuid,
                 'allocated_at': f.allocated_at, 'network': to_dict(n),
                 'instance': dict(zip(_PORT_INSTANCE_COLUMNS, rest,
                                      strict=True))}
                for f, n, *rest in session.execute(query)]
