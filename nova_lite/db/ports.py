"""SQL of ports and their addresses (``ports``, ``fixed_ips``): the
NICs of the Networking API, with or without a server, and the IPAM of
subnets.

IPAM: an address is taken by INSERTing its ``fixed_ips`` row; the
unique (``network_id``, ``address``) makes a concurrent taker of the
same address fail in the database, never hand one address out twice:
its transaction is rolled back and the port create tried again with the
free addresses read anew (a requested address taken meanwhile is a 409
instead). The first try picks a pool address at random without reading
(one statement less on the boot path; a collision costs a retry).

A port dict (``ports_get``) has the ``ports`` columns, ``network``
(the network dict), ``fixed_ips`` ([{"subnet_id": subnet uuid,
"ip_address"}], by row id) and ``instance`` (the bound server's
``project_id``, ``host``, ``vm_state``, ``availability_zone``, or None).
"""
import ipaddress
import itertools
import random
import uuid as uuidlib

from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite.network import errors

#: Free addresses read per pick: the pick is random among them, so
#: concurrent allocations seldom try the same one.
_CANDIDATES = 16
_INSTANCE_COLUMNS = ('project_id', 'host', 'vm_state', 'availability_zone')


def random_mac():
    """A MAC of OpenStack's ``fa:16:3e`` prefix."""
    return 'fa:16:3e:%02x:%02x:%02x' % tuple(random.randint(0, 255)
                                             for _ in range(3))


def _pool_addresses(subnet):
    for pool in subnet['allocation_pools']:
        start = ipaddress.ip_address(pool['start'])
        end = ipaddress.ip_address(pool['end'])
        while start <= end:
            yield str(start)
            start += 1


def _free_addresses(session, subnet):
    """Up to ``_CANDIDATES`` free pool addresses of ``subnet``."""
    fip = models.FixedIP
    taken = set(session.scalars(sa.select(fip.address).where(
        fip.network_id == subnet['network_id'])))
    return list(itertools.islice(
        (a for a in _pool_addresses(subnet) if a not in taken), _CANDIDATES))


class _AddressTaken(Exception):
    """The INSERT of an address met the unique constraint: another port
    took it meanwhile (the transaction is rolled back)."""

    def __init__(self, requested):
        super().__init__()
        self.requested = requested


def _insert_address(session, subnet, address, port, requested):
    """Take ``address`` for ``port`` (a Port row).

    :raises: _AddressTaken when another port has it
    """
    try:
        session.execute(sa.insert(models.FixedIP).values(
            network_id=subnet['network_id'], subnet_id=subnet['id'],
            address=address, port_id=port.uuid,
            instance_uuid=(port.device_id or None)
            if port.device_owner.startswith('compute:') else None,
            mac=port.mac_address, allocated_at=utcnow(),
            created_at=utcnow()))
    except db_exc.DBDuplicateEntry:
        raise _AddressTaken(requested) from None


def _random_pool_address(subnet):
    """An address of the subnet's pools picked at random (uniformly), or
    None for a subnet without pools."""
    ranges = [(ipaddress.ip_address(p['start']), ipaddress.ip_address(
        p['end'])) for p in subnet['allocation_pools']]
    total = sum(int(end) - int(start) + 1 for start, end in ranges)
    if total <= 0:
        return None
    index = random.randrange(total)
    for start, end in ranges:
        size = int(end) - int(start) + 1
        if index < size:
            return str(start + index)
        index -= size
    return None


def _allocate(session, port, request, network_uuid, blind=False):
    """Give ``port`` the address of ``request`` ({"subnet": subnet dict,
    "ip_address": str or None}): that address, or one picked at random:
    with ``blind`` among all the pools' addresses without reading which
    are taken (a first try: most subnets are far from full, and a taken
    one fails its INSERT), else among the first free ones.

    :returns: the address
    :raises: IpAddressGenerationFailure (409), _AddressTaken
    """
    subnet = request['subnet']
    address = request.get('ip_address')
    if not address and blind:
        address = _random_pool_address(subnet)
    if not address:
        candidates = _free_addresses(session, subnet)
        if not candidates:
            raise errors.IpAddressGenerationFailure(net_id=network_uuid)
        address = random.choice(candidates)
    _insert_address(session, subnet, address, port,
                    bool(request.get('ip_address')))
    return address


#: Attempts of a port create whose picked address or random MAC was
#: taken (the first picks blindly, the others read the free addresses
#: anew).
_ATTEMPTS = 8


def port_create(context, values, requests, network_uuid,
                check_network=True):
    """Insert a port (``values``: the ``ports`` columns but id, uuid;
    ``mac_address`` None for a new one) with the addresses of
    ``requests`` ([{"subnet", "ip_address"}]), in one transaction, on a
    live network (not checked with ``check_network`` False: the
    deployment's flat network, which the API never deletes).

    :returns: {"port_id", "mac", "addresses": [(subnet dict, address)]}
    :raises: NetworkNotFound, MacAddressInUse, IpAddressAlreadyAllocated,
        IpAddressGenerationFailure
    """
    given_mac = values.get('mac_address')
    for attempt in range(_ATTEMPTS):
        try:
            return _port_create(context, dict(
                values, mac_address=given_mac or random_mac()), requests,
                network_uuid, check_network, blind=attempt == 0)
        except _AddressTaken as exc:
            if exc.requested:
                raise errors.IpAddressAlreadyAllocated(
                    ip=', '.join(r['ip_address'] for r in requests
                                 if r.get('ip_address')),
                    subnet_id=requests[0]['subnet']['uuid']) from None
        except db_exc.DBDuplicateEntry:
            if given_mac:
                raise errors.MacAddressInUse(net_id=network_uuid,
                                             mac=given_mac) from None
    raise errors.IpAddressGenerationFailure(net_id=network_uuid)


@retry_on_deadlock
def _port_create(context, values, requests, network_uuid, check_network,
                 blind=False):
    net = models.Network
    with writer(context) as session:
        if check_network and not session.execute(sa.select(net.id).where(
                net.id == values['network_id'], net.deleted == 0)).first():
            raise errors.NetworkNotFound(net_id=network_uuid)
        port = models.Port(uuid=values.pop('uuid', None)
                           or str(uuidlib.uuid4()), **values)
        session.add(port)
        session.flush()
        addresses = [(r['subnet'], _allocate(session, port, r, network_uuid,
                                             blind))
                     for r in requests]
        return {'port_id': port.uuid, 'mac': port.mac_address,
                'addresses': addresses}


def port_update(context, port_id, values, requests=None, network_uuid=''):
    """Write ``values`` on port ``port_id`` (a row id) and count a
    revision; with ``requests`` its addresses become those (kept ones
    stay, others are freed, new ones allocated; the floating IPs of
    freed ones are disassociated).

    :raises: IpAddressAlreadyAllocated, IpAddressGenerationFailure,
        MacAddressInUse (409)
    """
    for _attempt in range(_ATTEMPTS):
        try:
            return _port_update(context, port_id, values, requests,
                                network_uuid)
        except _AddressTaken as exc:
            if exc.requested:
                raise errors.IpAddressAlreadyAllocated(
                    ip=', '.join(r['ip_address'] for r in requests
                                 if r.get('ip_address')),
                    subnet_id=requests[0]['subnet']['uuid']) from None
        except db_exc.DBDuplicateEntry:
            raise errors.MacAddressInUse(
                net_id=network_uuid,
                mac=values.get('mac_address', '')) from None
    raise errors.IpAddressGenerationFailure(net_id=network_uuid)


@retry_on_deadlock
def _port_update(context, port_id, values, requests, network_uuid):
    port_model, fip = models.Port, models.FixedIP
    with writer(context) as session:
        port = session.get(port_model, port_id)
        for key, value in values.items():
            setattr(port, key, value)
        port.revision_number += 1
        port.updated_at = utcnow()
        if requests is None:
            return
        keep = {r['ip_address'] for r in requests if r.get('ip_address')}
        current = set(session.scalars(sa.select(fip.address).where(
            fip.port_id == port.uuid)))
        session.execute(sa.delete(fip).where(
            fip.port_id == port.uuid, fip.address.notin_(list(keep))))
        floating = models.FloatingIP
        session.execute(sa.update(floating).where(
            floating.fixed_port_id == port.uuid,
            floating.fixed_ip_address.notin_(list(keep))).values(
            fixed_port_id=None, fixed_ip_address=None, router_id=None,
            updated_at=utcnow(),
            revision_number=floating.revision_number + 1))
        for request in requests:
            if request.get('ip_address') not in current:
                _allocate(session, port, request, network_uuid)


def port_address_add(context, port_uuid, requests, network_uuid):
    """Give port ``port_uuid`` one more address: the first of
    ``requests`` ([{"subnet", "ip_address" or None}] on its network, in
    order) that can be had, a free one of its subnet when no address is
    named (compute API ``addFixedIp``, as Nova's Neutron path appends a
    subnet to the port's ``fixed_ips``; CloudStack ``addIpToNic``).
    Counts a revision of the port.

    :returns: the address
    :raises: PortNotFound; IpAddressAlreadyAllocated (a named address
        another port holds); IpAddressGenerationFailure when every
        subnet is full
    """
    for _attempt in range(_ATTEMPTS):
        try:
            return _port_address_add(context, port_uuid, requests,
                                     network_uuid)
        except _AddressTaken as exc:
            if exc.requested:
                raise errors.IpAddressAlreadyAllocated(
                    ip=', '.join(r['ip_address'] for r in requests
                                 if r.get('ip_address')),
                    subnet_id=requests[0]['subnet']['uuid']) from None
    raise errors.IpAddressGenerationFailure(net_id=network_uuid)


@retry_on_deadlock
def _port_address_add(context, port_uuid, requests, network_uuid):
    with writer(context) as session:
        port = session.scalars(sa.select(models.Port).filter_by(
            uuid=port_uuid)).first()
        if port is None:
            raise errors.PortNotFound(port_id=port_uuid)
        for request in requests:
            try:
                address = _allocate(session, port, request, network_uuid)
            except errors.IpAddressGenerationFailure:
                continue
            port.revision_number += 1
            port.updated_at = utcnow()
            return address
    raise errors.IpAddressGenerationFailure(net_id=network_uuid)


@retry_on_deadlock
def port_address_remove(context, port_uuid, address, keep_one=True):
    """Free ``address`` of port ``port_uuid``; a floating IP on it is
    disassociated. With ``keep_one`` the port's only address is kept.
    Counts a revision of the port.

    :returns: 'removed', 'last' (the only address, kept) or None (the
        port has no such address)
    """
    fip, port, floating = models.FixedIP, models.Port, models.FloatingIP
    with writer(context) as session:
        held = list(session.scalars(sa.select(fip.address).where(
            fip.port_id == port_uuid).with_for_update()))
        if address not in held:
            return None
        if keep_one and len(held) == 1:
            return 'last'
        session.execute(sa.delete(fip).where(fip.port_id == port_uuid,
                                             fip.address == address))
        session.execute(sa.update(floating).where(
            floating.fixed_port_id == port_uuid,
            floating.fixed_ip_address == address).values(
            fixed_port_id=None, fixed_ip_address=None, router_id=None,
            updated_at=utcnow(),
            revision_number=floating.revision_number + 1))
        session.execute(sa.update(port).where(port.uuid == port_uuid).values(
            updated_at=utcnow(), revision_number=port.revision_number + 1))
        return 'removed'


@retry_on_deadlock
def port_delete(context, port_uuid):
    """Delete a port and free its addresses. Idempotent."""
    with writer(context) as session:
        delete_ports(session, [port_uuid])


def delete_ports(session, port_uuids):
    """In ``session``: delete the ports, free their addresses and
    disassociate the floating IPs of their fixed IPs."""
    if not port_uuids:
        return
    fip, port, floating = models.FixedIP, models.Port, models.FloatingIP
    session.execute(sa.update(floating).where(
        floating.fixed_port_id.in_(port_uuids)).values(
        fixed_port_id=None, fixed_ip_address=None, router_id=None,
        updated_at=utcnow(), revision_number=floating.revision_number + 1))
    session.execute(sa.delete(fip).where(fip.port_id.in_(port_uuids)))
    session.execute(sa.delete(port).where(port.uuid.in_(port_uuids)))


@retry_on_deadlock
def port_bind(context, port_uuid, instance_uuid, device_owner, tag=None):
    """Attach the unbound port to a server (conditional: ``device_id``
    empty or already this server), with the device tag ``tag``.

    :raises: PortInUse (409) when another device has it
    """
    port, fip = models.Port, models.FixedIP
    with writer(context) as session:
        done = session.execute(sa.update(port).where(
            port.uuid == port_uuid,
            port.device_id.in_(['', instance_uuid])).values(
            device_id=instance_uuid, device_owner=device_owner, tag=tag,
            updated_at=utcnow(),
            revision_number=port.revision_number + 1)).rowcount
        if not done:
            row = session.scalars(sa.select(port).filter_by(
                uuid=port_uuid)).one()
            raise errors.PortInUse(port_id=port_uuid, net_id='',
                                   device_id=row.device_id)
        session.execute(sa.update(fip).where(fip.port_id == port_uuid)
                        .values(instance_uuid=instance_uuid))


@retry_on_deadlock
def port_release(context, port_uuid, instance_uuid):
    """One NIC leaves a server (an interface detach): the port is
    deleted when nova_lite made it for the server (``auto_delete``),
    else unbound (``device_id``, ``device_owner`` and ``tag`` cleared;
    its addresses stay). Conditional on the port being the server's.

    :returns: 'deleted', 'unbound', or None when the port is not the
        server's (gone, or another server's)
    """
    port, fip = models.Port, models.FixedIP
    with writer(context) as session:
        row = session.execute(sa.select(port.auto_delete).where(
            port.uuid == port_uuid,
            port.device_id == instance_uuid)).first()
        if row is None:
            return None
        if row.auto_delete:
            delete_ports(session, [port_uuid])
            return 'deleted'
        session.execute(sa.update(port).where(port.uuid == port_uuid).values(
            device_id='', device_owner='', tag=None, updated_at=utcnow(),
            revision_number=port.revision_number + 1))
        session.execute(sa.update(fip).where(fip.port_id == port_uuid)
                        .values(instance_uuid=None))
        return 'unbound'


@retry_on_deadlock
def ports_release_instance(context, instance_uuid):
    """A server is gone: delete the ports made for it, unbind the others
    (``device_id``, ``device_owner`` cleared). Idempotent.

    :returns: the count of ports deleted or unbound
    """
    port, fip = models.Port, models.FixedIP
    with writer(context) as session:
        rows = session.execute(sa.select(port.uuid, port.auto_delete).where(
            port.device_id == instance_uuid)).all()
        delete_ports(session, [r.uuid for r in rows if r.auto_delete])
        kept = [r.uuid for r in rows if not r.auto_delete]
        if kept:
            session.execute(sa.update(port).where(port.uuid.in_(kept))
                            .values(device_id='', device_owner='', tag=None,
                                    updated_at=utcnow()))
        # Addresses of the instance held by no port (none since 0022).
        session.execute(sa.update(fip).where(
            fip.instance_uuid == instance_uuid).values(instance_uuid=None))
        return len(rows)


def ports_get(context, project_id=None, uuids=None, device_id=None):
    """Port dicts (module doc), by id: of ``project_id`` (all when
    None), restricted to ``uuids`` / ``device_id`` when given."""
    port, net, inst = models.Port, models.Network, models.Instance
    query = (sa.select(port, net, *(getattr(inst, c)
                                    for c in _INSTANCE_COLUMNS))
             .join(net, net.id == port.network_id)
             .outerjoin(inst, sa.and_(inst.uuid == port.device_id,
                                      inst.deleted == 0))
             .order_by(port.id))
    if project_id is not None:
        query = query.where(port.project_id == project_id)
    if uuids is not None:
        query = query.where(port.uuid.in_(list(uuids)))
    if device_id is not None:
        query = query.where(port.device_id == device_id)
    with reader(context) as session:
        rows = session.execute(query).all()
        addresses = _addresses(session, [r[0].uuid for r in rows])
    return [dict(to_dict(p), network=to_dict(n),
                 fixed_ips=addresses.get(p.uuid, []),
                 instance=(dict(zip(_INSTANCE_COLUMNS, rest, strict=True))
                           if rest[0] is not None else None))
            for p, n, *rest in rows]


def _addresses(session, port_uuids):
    if not port_uuids:
        return {}
    fip, sub = models.FixedIP, models.Subnet
    result = {}
    for port_id, address, subnet in session.execute(
            sa.select(fip.port_id, fip.address, sub.uuid)
            .outerjoin(sub, sub.id == fip.subnet_id)
            .where(fip.port_id.in_(port_uuids)).order_by(fip.id)):
        result.setdefault(port_id, []).append(
            {'subnet_id': subnet, 'ip_address': address})
    return result


def ports_count(context, project_id):
    """The ports owned by ``project_id``."""
    port = models.Port
    with reader(context) as session:
        return session.execute(sa.select(sa.func.count(port.id)).where(
            port.project_id == project_id)).scalar()


def fixed_ips_get_by_instance(context, instance_uuid):
    """[(network dict, fixed_ip dict)] of an instance, by row id; each
    fixed_ip dict has ``subnet`` (its subnet's dict or None)."""
    fip, net, sub = models.FixedIP, models.Network, models.Subnet
    with reader(context) as session:
        return [(to_dict(n), dict(to_dict(f), subnet=to_dict(s)
                                  if s is not None else None))
                for f, n, s in session.execute(
                    sa.select(fip, net, sub)
                    .join(net, net.id == fip.network_id)
                    .outerjoin(sub, sub.id == fip.subnet_id)
                    .where(fip.instance_uuid == instance_uuid)
                    .order_by(fip.id))]
