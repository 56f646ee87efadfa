"""Servers inserted with SQL in bulk, shaped like booted ones, so that a
benchmark can list a project of 100,000 servers without booting them.

Each filler is what a boot leaves for a server: an ACTIVE ``instances``
row on one of the given hosts, one metadata item, a port (``ports``:
its MAC, device, owner ``compute:nova``, made by nova_lite) with its
address (``fixed_ips``, on a shared /14 network of its own, "fillers",
since the flat network has too few addresses), and membership of one
security group. Rows go in with one INSERT per table per 2,000 servers.

The group is the project's "fillers" group, without rules, not its
``default`` group: the default group's rules admit traffic from the
group's own members, and what a compute reads for its ports' rules
(``network.port_security.port_specs``) lists every member's address
per port and rule, so 100,000 members make each compute's periodic
resync read hundreds of millions of rows (see doc/benchmarks.md,
"Security groups at scale").
"""
import datetime
import ipaddress
import uuid as uuidlib

import sqlalchemy as sa

from nova_lite.db import models

FILLER_CIDR = '10.128.0.0/14'
FILLER_NETWORK = 'fillers'
#: MACs of fillers: a prefix no booted server's MAC has (they use
#: fa:16:3e), 24 bits of index.
MAC_PREFIX = 'fa:16:3f'
BATCH = 2000


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(
        microsecond=0, tzinfo=None)


def filler_network(conn):
    """(network id, subnet id) of the fillers' network, created once."""
    net, subnet = models.Network.__table__, models.Subnet.__table__
    found = conn.execute(sa.select(net.c.id).where(
        net.c.label == FILLER_NETWORK, net.c.deleted == 0)).first()
    if found is None:
        cidr = ipaddress.ip_network(FILLER_CIDR)
        gateway = str(cidr[1])
        network_uuid = str(uuidlib.uuid4())
        conn.execute(net.insert().values(
            uuid=network_uuid, label=FILLER_NETWORK, cidr=FILLER_CIDR,
            gateway=gateway, netmask=str(cidr.netmask),
            broadcast=str(cidr.broadcast_address),
            project_id='bench-fillers', shared=True, deleted=0,
            created_at=_now()))
        found = conn.execute(sa.select(net.c.id).where(
            net.c.uuid == network_uuid)).first()
        conn.execute(subnet.insert().values(
            uuid=str(uuidlib.uuid4()), network_id=found.id,
            project_id='bench-fillers', name=FILLER_NETWORK,
            cidr=FILLER_CIDR, gateway_ip=gateway,
            allocation_pools=[{'start': str(cidr[2]),
                               'end': str(cidr[-2])}],
            dns_nameservers=[], host_routes=[]))
    subnet_id = conn.execute(sa.select(subnet.c.id).where(
        subnet.c.network_id == found.id)).scalar()
    return found.id, subnet_id


def filler_group(conn, project_id):
    """Id of ``project_id``'s "fillers" security group (no rule), created
    once."""
    group = models.SecurityGroup.__table__
    query = sa.select(group.c.id).where(group.c.project_id == project_id,
                                        group.c.name == FILLER_NETWORK)
    found = conn.execute(query).scalar()
    if found is None:
        conn.execute(group.insert().values(
            uuid=str(uuidlib.uuid4()), project_id=project_id,
            name=FILLER_NETWORK, description='bench fillers',
            revision_number=0, created_at=_now()))
        found = conn.execute(query).scalar()
    return found


def fill(engine, project_id, total, hosts):
    """Insert fillers of ``project_id`` until it has ``total`` live
    servers, spread over ``hosts`` (names); returns how many were
    inserted."""
    inst = models.Instance.__table__
    with engine.begin() as conn:
        live = conn.execute(sa.select(sa.func.count(inst.c.id)).where(
            inst.c.deleted == 0, inst.c.project_id == project_id)).scalar()
        missing = max(total - live, 0)
        if not missing:
            return 0
        network_id, subnet_id = filler_network(conn)
        first = conn.execute(sa.select(sa.func.count()).select_from(
            models.FixedIP.__table__).where(
            models.FixedIP.__table__.c.network_id == network_id)).scalar()
        group_id = filler_group(conn, project_id)
        for start in range(0, missing, BATCH):
            indexes = range(first + start,
                            first + min(start + BATCH, missing))
            _insert(conn, project_id, hosts, indexes, network_id,
                    subnet_id, group_id)
    analyze(engine)
    return missing


#: Tables the fillers grow, whose statistics ``analyze`` refreshes.
FILLED = ('instances', 'instance_metadata', 'ports', 'fixed_ips',
          'instance_security_groups')


def analyze(engine):
    """Refresh the planner's statistics of the filled tables, as a
    database that grew over time has them: right after a bulk insert
    MariaDB still estimated one fixed IP per network and read all
    100,000 of them for a 1,000-server page (3.5 s instead of 9 ms)."""
    with engine.connect() as conn:
        for table in FILLED:
            if engine.dialect.name == 'mysql':
                conn.exec_driver_sql('ANALYZE TABLE %s' % table).all()
            else:
                conn.exec_driver_sql('ANALYZE %s' % table)
        conn.commit()


def _insert(conn, project_id, hosts, indexes, network_id, subnet_id,
            group_id):
    now = _now()
    cidr = ipaddress.ip_network(FILLER_CIDR)
    rows = [_instance(project_id, hosts[i % len(hosts)], i, now)
            for i in indexes]
    ports, addresses = [], []
    for index, row in zip(indexes, rows, strict=True):
        mac = '%s:%02x:%02x:%02x' % (MAC_PREFIX, (index >> 16) & 255,
                                     (index >> 8) & 255, index & 255)
        port_uuid = str(uuidlib.uuid4())
        ports.append({'uuid': port_uuid, 'network_id': network_id,
                      'project_id': project_id, 'mac_address': mac,
                      'device_id': row['uuid'],
                      'device_owner': 'compute:nova', 'auto_delete': True,
                      'created_at': now})
        addresses.append({'network_id': network_id, 'subnet_id': subnet_id,
                          'address': str(cidr[index + 2]),
                          'instance_uuid': row['uuid'], 'mac': mac,
                          'allocated_at': now, 'port_id': port_uuid,
                          'created_at': now})
    conn.execute(models.Instance.__table__.insert(), rows)
    conn.execute(models.InstanceMetadata.__table__.insert(), [
        {'instance_uuid': r['uuid'], 'key': 'role', 'value': 'filler',
         'deleted': 0, 'created_at': now} for r in rows])
    conn.execute(models.Port.__table__.insert(), ports)
    conn.execute(models.FixedIP.__table__.insert(), addresses)
    conn.execute(models.InstanceSecurityGroup.__table__.insert(), [
        {'instance_uuid': r['uuid'], 'security_group_id': group_id}
        for r in rows])


def _instance(project_id, host, index, now):
    return {'uuid': str(uuidlib.uuid4()), 'display_name': 'filler-%d' % index,
            'hostname': 'filler-%d' % index, 'project_id': project_id,
            'user_id': 'demo-user', 'image_ref': 'filler',
            'flavor_id': '1', 'flavor_name': 'm1.tiny', 'vcpus': 1,
            'memory_mb': 512, 'root_gb': 1, 'ephemeral_gb': 0,
            'host': host, 'node': host, 'vm_state': 'active',
            'power_state': 1, 'locked': False, 'deleted': 0,
            'reservation_id': 'r-filler', 'launch_index': 0,
            'created_at': now, 'launched_at': now}
