"""SQL of routers and floating IPs (``routers``, ``floatingips``;
models in ``nova_lite.db.models_l3``). A router's gateway and interfaces
and a floating IP's address are ports (``nova_lite.db.ports``): their
addresses come from the same conflict-safe IPAM as fixed IPs.

A router dict has the ``routers`` columns and ``gw_network_uuid``; a
floating IP dict the ``floatingips`` columns and
``floating_network_uuid``.
"""
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
from nova_lite.network import errors

#: ``device_owner`` of the ports of routers and floating IPs (Neutron's).
GATEWAY = 'network:router_gateway'
INTERFACE = 'network:router_interface'
FLOATING = 'network:floatingip'
L3_OWNERS = (GATEWAY, INTERFACE, FLOATING)


def _scoped(query, model, project_id, uuids):
    if project_id is not None:
        query = query.where(model.project_id == project_id)
    if uuids is not None:
        query = query.where(model.uuid.in_(list(uuids)))
    return query


# ------------------------------------------------------------------ routers

def routers_get(context, project_id=None, uuids=None):
    """Router dicts, by id: of ``project_id`` (all when None), restricted
    to ``uuids`` when given."""
    router, net = models.Router, models.Network
    query = _scoped(sa.select(router, net.uuid).outerjoin(
        net, net.id == router.gw_network_id).order_by(router.id),
        router, project_id, uuids)
    with reader(context) as session:
        return [dict(to_dict(r), gw_network_uuid=n)
                for r, n in session.execute(query)]


def router_ports(context, router_uuids):
    """``[{"router_id", "port_id", "device_owner", "network_id" (uuid),
    "subnet_id" (uuid or None), "ip_address"}]`` of the routers'
    gateway and interface ports, by port and address."""
    if not router_uuids:
        return []
    port, fip, sub, net = (models.Port, models.FixedIP, models.Subnet,
                           models.Network)
    query = (sa.select(port.device_id, port.uuid, port.device_owner,
                       net.uuid, sub.uuid, fip.address)
             .join(net, net.id == port.network_id)
             .outerjoin(fip, fip.port_id == port.uuid)
             .outerjoin(sub, sub.id == fip.subnet_id)
             .where(port.device_id.in_(list(router_uuids)),
                    port.device_owner.in_([GATEWAY, INTERFACE]))
             .order_by(port.id, fip.id))
    keys = ('router_id', 'port_id', 'device_owner', 'network_id',
            'subnet_id', 'ip_address')
    with reader(context) as session:
        return [dict(zip(keys, row, strict=True))
                for row in session.execute(query)]


@retry_on_deadlock
def router_add(context, values):
    """Insert a router (``values``: project_id, name, description,
    admin_state_up, gw_network_id). :returns: its uuid"""
    with writer(context) as session:
        row = models.Router(uuid=str(uuidlib.uuid4()), revision_number=0,
                            **values)
        session.add(row)
        session.flush()
        return row.uuid


@retry_on_deadlock
def router_update(context, router_uuid, values):
    """Write ``values`` on the router and count a revision.

    :raises: RouterNotFound (404)
    """
    router = models.Router
    with writer(context) as session:
        done = session.execute(sa.update(router).where(
            router.uuid == router_uuid).values(
            dict(values, revision_number=router.revision_number + 1,
                 updated_at=utcnow()))).rowcount
    if not done:
        raise errors.RouterNotFound(router_id=router_uuid)


def gateway_in_use(context, router_uuid):
    """True while floating IPs are associated through the router."""
    fip = models.FloatingIP
    with reader(context) as session:
        return session.execute(sa.select(fip.id).where(
            fip.router_id == router_uuid).limit(1)).first() is not None


def interface_in_use(context, router_uuid, subnet_uuid):
    """True while floating IPs go through the router to fixed IPs of
    the subnet."""
    fip, ip, sub = models.FloatingIP, models.FixedIP, models.Subnet
    with reader(context) as session:
        return session.execute(
            sa.select(fip.id).join(ip, sa.and_(
                ip.port_id == fip.fixed_port_id,
                ip.address == fip.fixed_ip_address))
            .join(sub, sub.id == ip.subnet_id)
            .where(fip.router_id == router_uuid, sub.uuid == subnet_uuid)
            .limit(1)).first() is not None


@retry_on_deadlock
def router_delete(context, router_uuid):
    """Delete a router and its gateway port, unless it has interfaces.

    :raises: RouterInUse (409)
    """
    router, port = models.Router, models.Port
    with writer(context) as session:
        owners = set(session.scalars(sa.select(port.device_owner).where(
            port.device_id == router_uuid)))
        if INTERFACE in owners:
            raise errors.RouterInUse(router_id=router_uuid,
                                     reason='still has ports')
        gateways = list(session.scalars(sa.select(port.uuid).where(
            port.device_id == router_uuid, port.device_owner == GATEWAY)))
        port_db.delete_ports(session, gateways)
        session.execute(sa.delete(router).where(router.uuid == router_uuid))


def routers_count(context, project_id):
    """The routers of ``project_id``."""
    router = models.Router
    with reader(context) as session:
        return session.execute(sa.select(sa.func.count(router.id)).where(
            router.project_id == project_id)).scalar()


def router_for(context, network_id, subnet_uuid):
    """The uuid of a router with its gateway on the network of id
    ``network_id`` and an interface on the subnet ``subnet_uuid``
    (the lowest id), or None (Networking API: a floating IP reaches a
    fixed IP through such a router)."""
    router, port, ip, sub = (models.Router, models.Port, models.FixedIP,
                             models.Subnet)
    with reader(context) as session:
        return session.scalars(
            sa.select(router.uuid)
            .join(port, port.device_id == router.uuid)
            .join(ip, ip.port_id == port.uuid)
            .join(sub, sub.id == ip.subnet_id)
            .where(router.gw_network_id == network_id,
                   port.device_owner == INTERFACE, sub.uuid == subnet_uuid)
            .order_by(router.id).limit(1)).first()


# ------------------------------------------------------------- floating IPs

def floatingips_get(context, project_id=None, uuids=None,
                    fixed_port_ids=None):
    """Floating IP dicts, by id: of ``project_id`` (all when None),
    restricted to ``uuids`` / ``fixed_port_ids`` when given."""
    fip, net = models.FloatingIP, models.Network
    query = _scoped(sa.select(fip, net.uuid).join(
        net, net.id == fip.floating_network_id).order_by(fip.id),
        fip, project_id, uuids)
    if fixed_port_ids is not None:
        query = query.where(fip.fixed_port_id.in_(list(fixed_port_ids)))
    with reader(context) as session:
        return [dict(to_dict(f), floating_network_uuid=n)
                for f, n in session.execute(query)]


def floatingip_create(context, values, request, network_uuid):
    """A floating IP (``values``: project_id, floating_network_id,
    description) with an address of ``request`` ({"subnet",
    "ip_address"}): a ``network:floatingip`` port of the external
    network takes it (``ports.port_create``, conflict-safe), then the
    row is inserted with it. :returns: the floating IP's uuid
    :raises: IpAddressAlreadyAllocated, IpAddressGenerationFailure (409)
    """
    fip_uuid = str(uuidlib.uuid4())
    made = port_db.port_create(context, {
        'network_id': values['floating_network_id'], 'project_id': '',
        'name': '', 'description': '', 'device_id': fip_uuid,
        'device_owner': FLOATING, 'admin_state_up': True,
        'security_groups': [], 'mac_address': None}, [request], network_uuid)
    try:
        _insert(context, dict(values, uuid=fip_uuid,
                              floating_port_id=made['port_id'],
                              floating_ip_address=made['addresses'][0][1]))
    except Exception:
        port_db.port_delete(context, made['port_id'])
        raise
    return fip_uuid


@retry_on_deadlock
def _insert(context, values):
    with writer(context) as session:
        session.add(models.FloatingIP(revision_number=0, **values))


@retry_on_deadlock
def floatingip_update(context, fip_uuid, values):
    """Write ``values`` (``fixed_port_id``, ``fixed_ip_address``,
    ``router_id``, ``description``) and count a revision.

    :raises: FloatingIPNotFound (404), FloatingIPPortAlreadyAssociated
        (409: that fixed IP has a floating IP of the network already)
    """
    fip = models.FloatingIP
    try:
        with writer(context) as session:
            done = session.execute(sa.update(fip).where(
                fip.uuid == fip_uuid).values(
                dict(values, revision_number=fip.revision_number + 1,
                     updated_at=utcnow()))).rowcount
    except db_exc.DBDuplicateEntry:
        raise errors.FloatingIPPortAlreadyAssociated(
            fip_id=fip_uuid, port_id=values.get('fixed_port_id'),
            fixed_ip=values.get('fixed_ip_address')) from None
    if not done:
        raise errors.FloatingIPNotFound(floatingip_id=fip_uuid)


@retry_on_deadlock
def floatingip_delete(context, fip_uuid):
    """Delete a floating IP and its port. Idempotent."""
    fip = models.FloatingIP
    with writer(context) as session:
        ports = list(session.scalars(sa.select(fip.floating_port_id).where(
            fip.uuid == fip_uuid)))
        session.execute(sa.delete(fip).where(fip.uuid == fip_uuid))
        port_db.delete_ports(session, ports)


def floatingips_count(context, project_id):
    """The floating IPs of ``project_id``."""
    fip = models.FloatingIP
    with reader(context) as session:
        return session.execute(sa.select(sa.func.count(fip.id)).where(
            fip.project_id == project_id)).scalar()


@retry_on_deadlock
def interface_bind(context, port_uuid, router_uuid):
    """Make the unbound port an interface of the router (conditional:
    ``device_id`` empty). :raises: PortInUse (409)"""
    port = models.Port
    with writer(context) as session:
        done = session.execute(sa.update(port).where(
            port.uuid == port_uuid, port.device_id == '').values(
            device_id=router_uuid, device_owner=INTERFACE,
            security_groups=[], updated_at=utcnow(),
            revision_number=port.revision_number + 1)).rowcount
    if not done:
        raise errors.PortInUse(port_id=port_uuid, net_id='',
                               device_id='another device')


def nat_mappings(context, instance_uuids=None, host=None):
    """``[{"instance_uuid", "host", "floating_ip_address",
    "fixed_ip_address", "floating_ip_id"}]`` of the associated floating
    IPs of live
    servers' ports, by floating IP id: of ``instance_uuids`` and/or of
    servers on ``host`` when given. One statement."""
    fip, port, inst = models.FloatingIP, models.Port, models.Instance
    query = (sa.select(inst.uuid, inst.host, fip.floating_ip_address,
                       fip.fixed_ip_address, fip.uuid)
             .join(port, port.uuid == fip.fixed_port_id)
             .join(inst, sa.and_(inst.uuid == port.device_id,
                                 inst.deleted == 0))
             .order_by(fip.id))
    if instance_uuids is not None:
        query = query.where(inst.uuid.in_(list(instance_uuids)))
    if host is not None:
        query = query.where(inst.host == host)
    keys = ('instance_uuid', 'host', 'floating_ip_address',
            'fixed_ip_address', 'floating_ip_id')
    with reader(context) as session:
        return [dict(zip(keys, row, strict=True))
                for row in session.execute(query)]


def port_instances(context, port_uuids):
    """``{instance uuid: host}`` of the live servers of the ports."""
    port, inst = models.Port, models.Instance
    wanted = [p for p in port_uuids if p]
    if not wanted:
        return {}
    with reader(context) as session:
        return dict(session.execute(
            sa.select(inst.uuid, inst.host)
            .join(port, port.device_id == inst.uuid)
            .where(port.uuid.in_(wanted), inst.deleted == 0)).all())
