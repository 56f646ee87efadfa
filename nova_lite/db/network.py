"""SQL of flat networks and their fixed IPs (``networks``,
``fixed_ips``): one row per usable address, taken by an instance with a
conditional UPDATE. Networks and addresses are dicts of their columns.
"""
import functools
import ipaddress
import random
import uuid as uuidlib

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception


@retry_on_deadlock
def network_create(context, label, cidr, gateway=None, bridge=None):
    """Create a flat network and one fixed_ips row per usable address
    (all hosts of ``cidr`` but the gateway). Idempotent by label.

    :returns: the network dict
    """
    net = ipaddress.ip_network(cidr, strict=False)
    hosts = list(net.hosts())
    gateway = gateway or str(hosts[0])
    try:
        with writer(context) as session:
            row = models.Network(uuid=str(uuidlib.uuid4()), label=label,
                                 cidr=str(net), gateway=gateway,
                                 netmask=str(net.netmask),
                                 broadcast=str(net.broadcast_address),
                                 bridge=bridge)
            session.add(row)
            session.flush()
            session.execute(sa.insert(models.FixedIP), [
                {'network_id': row.id, 'address': str(addr),
                 'created_at': utcnow()}
                for addr in hosts if str(addr) != gateway])
            return to_dict(row)
    except db_exc.DBDuplicateEntry:
        return network_get_by_label(context, label)


def network_get_by_label(context, label):
    """:raises: NetworkNotFound"""
    with reader(context) as session:
        row = session.scalars(sa.select(models.Network).filter_by(
            label=label, deleted=0)).first()
        if row is None:
            raise exception.NetworkNotFound(network_id=label)
        return to_dict(row)


def network_get_all(context):
    with reader(context) as session:
        return [to_dict(r) for r in session.scalars(sa.select(
            models.Network).filter_by(deleted=0).order_by(models.Network.id))]


def _random_mac():
    return 'fa:16:3e:%02x:%02x:%02x' % tuple(random.randint(0, 255)
                                             for _ in range(3))


@oslo_db_api.wrap_db_retry(max_retries=20, retry_on_deadlock=True,
                           exception_checker=lambda e: isinstance(
                               e, (db_exc.DBDuplicateEntry,
                                   exception.Conflict)))
def fixed_ip_allocate(context, network_id, instance_uuid):
    """Give the instance a free address of the network and a new MAC.

    The allocation is a port of the Networking API: it gets a new
    ``port_id`` (cleared by ``fixed_ip_deallocate``).

    Picks at random among the first free rows and takes it with a
    conditional UPDATE, so concurrent computes rarely collide; a collision
    is retried (oslo.db retry). Idempotent: an instance that already has an
    address on the network keeps it.

    :returns: dict address, mac, port_id
    :raises: NoMoreFixedIps (Conflict) when the network is full
    """
    with writer(context) as session:
        candidates = session.execute(_fixed_ip_candidates(), {
            'network_id': network_id, 'instance_uuid': instance_uuid}).all()
        own = [c for c in candidates if c.instance_uuid == instance_uuid]
        if own:
            return {'address': own[0].address, 'mac': own[0].mac,
                    'port_id': own[0].port_id}
        if not candidates:
            raise exception.NovaLiteException(
                'No fixed IP left on network %s' % network_id)
        choice = random.choice(candidates)
        mac = _random_mac()
        port_id = str(uuidlib.uuid4())
        fip = models.FixedIP.__table__
        taken = session.execute(
            sa.update(fip).where(fip.c.id == choice.id,
                                 fip.c.instance_uuid.is_(None))
            .values(instance_uuid=instance_uuid, mac=mac,
                    port_id=port_id,
                    allocated_at=utcnow(), updated_at=utcnow())).rowcount
        if taken != 1:
            raise exception.Conflict(reason='fixed IP taken concurrently')
        return {'address': choice.address, 'mac': mac, 'port_id': port_id}


@functools.lru_cache(maxsize=None)
def _fixed_ip_candidates():
    """The instance's own address on ``network_id`` if it has one, and
    the first 32 free ones: two index range reads (network_id,
    instance_uuid) in one statement, no sort of the free rows."""
    fip = models.FixedIP.__table__
    columns = (fip.c.id, fip.c.instance_uuid, fip.c.address, fip.c.mac,
               fip.c.port_id)
    on_network = fip.c.network_id == sa.bindparam('network_id')
    free = (sa.select(*columns)
            .where(on_network, fip.c.instance_uuid.is_(None))
            .order_by(fip.c.id).limit(32).subquery())
    return sa.union_all(
        sa.select(*columns).where(
            on_network, fip.c.instance_uuid == sa.bindparam('instance_uuid')),
        sa.select(free))


@retry_on_deadlock
def fixed_ip_deallocate(context, instance_uuid):
    """Free the addresses of an instance. Idempotent; returns the count."""
    fip = models.FixedIP
    with writer(context) as session:
        return session.execute(sa.update(fip).where(
            fip.instance_uuid == instance_uuid).values(
            instance_uuid=None, mac=None, port_id=None,
            allocated_at=None)).rowcount


def fixed_ips_get_by_instance(context, instance_uuid):
    """[(network dict, fixed_ip dict)] of an instance."""
    fip, net = models.FixedIP, models.Network
    with reader(context) as session:
        return [(to_dict(n), to_dict(f)) for f, n in session.execute(
            sa.select(fip, net).join(net, net.id == fip.network_id).where(
                fip.instance_uuid == instance_uuid))]


#: Instance columns a port shows (device, owner, binding, status).
_PORT_INSTANCE_COLUMNS = ('project_id', 'host', 'vm_state',
                          'availability_zone', 'created_at', 'updated_at')


def ports_get(context, project_id=None, port_ids=None, host=None,
              instance_uuids=None):
    """The allocations of live instances as ports: dicts ``port_id``,
    ``address``, ``mac``, ``instance_uuid``, ``allocated_at``,
    ``network`` (the network dict) and the instance's
    ``_PORT_INSTANCE_COLUMNS`` under ``instance``; by fixed_ips id.
    ``project_id``/``port_ids``/``host``/``instance_uuids`` restrict
    them."""
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
