"""project networks, subnets and ports (Networking API)

``networks`` gains the Networking API's attributes (project, shared,
admin state, MTU, status, ``router:external``, description, revision)
and ``config_key`` (the ``[network] label`` of the deployment's flat
network, which stays a shared network of no project); ``subnets`` and
``ports`` are new; ``fixed_ips`` keeps only allocated addresses (one
row per address taken, by a conditional insert) with their subnet.

Data: each live network gets its subnet (id derived from the network's
uuid as the API showed it before, allocation pool = its host addresses
but the gateway); each allocated address becomes a port of its server
(the port id it had, its MAC, ``device_owner`` ``compute:<zone>``,
deleted with the server); free address rows go. ``instances`` gains
``requested_networks`` (the create request's NICs).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 17:30:00.000000
"""
import datetime
import ipaddress
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

#: uuid5 namespace of the flat networks' subnet ids (as the API derived
#: them before this revision: nova_lite.api.network.networks).
SUBNET_NAMESPACE = uuid.UUID('0f7d2c8e-6a34-5b1e-9d2f-4c8b7e1a3d55')


def _timestamps():
    return [sa.Column('created_at', sa.DateTime(), nullable=False),
            sa.Column('updated_at', sa.DateTime(), nullable=True)]


def _alter_networks():
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('config_key', sa.String(255)))
        batch_op.add_column(sa.Column('project_id', sa.String(255),
                                      nullable=False, server_default=''))
        for name, default in (('shared', sa.false()),
                              ('admin_state_up', sa.true()),
                              ('router_external', sa.false())):
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False,
                                          server_default=default))
        batch_op.add_column(sa.Column('mtu', sa.Integer(), nullable=False,
                                      server_default='1500'))
        batch_op.add_column(sa.Column('status', sa.String(16),
                                      nullable=False,
                                      server_default='ACTIVE'))
        batch_op.add_column(sa.Column('description', sa.String(255),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('revision_number', sa.Integer(),
                                      nullable=False, server_default='0'))
        batch_op.alter_column('cidr', existing_type=sa.String(64),
                              nullable=True)
        batch_op.drop_constraint('uniq_networks0label0deleted',
                                 type_='unique')
        batch_op.create_unique_constraint('uniq_networks0config_key',
                                          ['config_key'])
        batch_op.create_index('networks_project_id_idx', ['project_id'])


def _create_subnets():
    op.create_table(
        'subnets',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('network_id', sa.Integer(),
                  sa.ForeignKey('networks.id'), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('ip_version', sa.Integer(), nullable=False),
        sa.Column('cidr', sa.String(64), nullable=False),
        sa.Column('gateway_ip', sa.String(64), nullable=True),
        sa.Column('allocation_pools', sa.JSON(), nullable=False),
        sa.Column('dns_nameservers', sa.JSON(), nullable=False),
        sa.Column('host_routes', sa.JSON(), nullable=False),
        sa.Column('enable_dhcp', sa.Boolean(), nullable=False,
                  server_default=sa.true()),
        sa.Column('description', sa.String(255), nullable=False),
        sa.Column('revision_number', sa.Integer(), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint('uuid', name='uniq_subnets0uuid'))
    op.create_index('subnets_network_id_idx', 'subnets', ['network_id'])


def _create_ports():
    op.create_table(
        'ports',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('network_id', sa.Integer(),
                  sa.ForeignKey('networks.id'), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('mac_address', sa.String(32), nullable=False),
        sa.Column('admin_state_up', sa.Boolean(), nullable=False),
        sa.Column('device_id', sa.String(255), nullable=False),
        sa.Column('device_owner', sa.String(255), nullable=False),
        sa.Column('description', sa.String(255), nullable=False),
        sa.Column('security_groups', sa.JSON(), nullable=True),
        sa.Column('auto_delete', sa.Boolean(), nullable=False,
                  server_default=sa.false()),
        sa.Column('revision_number', sa.Integer(), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint('uuid', name='uniq_ports0uuid'),
        sa.UniqueConstraint('mac_address', name='uniq_ports0mac_address'))
    op.create_index('ports_network_id_idx', 'ports', ['network_id'])
    op.create_index('ports_device_id_idx', 'ports', ['device_id'])
    op.create_index('ports_project_id_idx', 'ports', ['project_id'])


def _mac_constraint(conn):
    """The name of fixed_ips' unnamed unique constraint on ``mac``
    (backend-made: ``mac`` on MySQL, ``fixed_ips_mac_key`` on
    PostgreSQL; SQLite's gets the batch naming convention's)."""
    if conn.dialect.name == 'sqlite':
        return 'uq_fixed_ips_mac'
    for constraint in sa.inspect(conn).get_unique_constraints('fixed_ips'):
        if constraint['column_names'] == ['mac']:
            return constraint['name']
    return None


def _alter_fixed_ips():
    conn = op.get_bind()
    mac_constraint = _mac_constraint(conn)
    with op.batch_alter_table('fixed_ips', schema=None, naming_convention={
            'uq': 'uq_%(table_name)s_%(column_0_name)s'}) as batch_op:
        batch_op.add_column(sa.Column('subnet_id', sa.Integer(),
                                      sa.ForeignKey(
                                          'subnets.id',
                                          name='fixed_ips_subnet_id_fkey'),
                                      nullable=True))
        batch_op.drop_constraint('uniq_fixed_ips0port_id', type_='unique')
        if mac_constraint:
            batch_op.drop_constraint(mac_constraint, type_='unique')
        batch_op.create_index('fixed_ips_port_id_idx', ['port_id'])
        batch_op.create_index('fixed_ips_subnet_id_idx', ['subnet_id'])
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_networks', sa.JSON(),
                                      nullable=True))


def _pools(cidr, gateway):
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


_NETWORKS = sa.table('networks', *(sa.column(c) for c in (
    'id', 'uuid', 'label', 'cidr', 'gateway', 'deleted', 'config_key',
    'shared', 'created_at')))
_SUBNETS = sa.table('subnets', *(sa.column(c) for c in (
    'id', 'uuid', 'network_id', 'project_id', 'name', 'ip_version', 'cidr',
    'gateway_ip', 'enable_dhcp', 'description', 'revision_number',
    'created_at')), sa.column('allocation_pools', sa.JSON()),
    sa.column('dns_nameservers', sa.JSON()),
    sa.column('host_routes', sa.JSON()))
_PORTS = sa.table('ports', *(sa.column(c) for c in (
    'uuid', 'network_id', 'project_id', 'name', 'mac_address',
    'admin_state_up', 'device_id', 'device_owner', 'description',
    'auto_delete', 'revision_number', 'created_at')))
_FIXED_IPS = sa.table('fixed_ips', *(sa.column(c) for c in (
    'id', 'network_id', 'subnet_id', 'address', 'instance_uuid', 'mac',
    'port_id', 'allocated_at', 'created_at')))
_INSTANCES = sa.table('instances', *(sa.column(c) for c in (
    'uuid', 'project_id', 'availability_zone')))


def _migrate_networks(conn):
    """Each live network: the flat network's config_key and shared; its
    subnet. :returns: {network id: subnet id}"""
    subnets = {}
    for net in conn.execute(sa.select(_NETWORKS).where(
            _NETWORKS.c.deleted == 0)).all():
        conn.execute(_NETWORKS.update().where(_NETWORKS.c.id == net.id)
                     .values(config_key=net.label, shared=True))
        conn.execute(_SUBNETS.insert().values(
            uuid=str(uuid.uuid5(SUBNET_NAMESPACE, net.uuid)),
            network_id=net.id, project_id='', name=net.label, ip_version=4,
            cidr=net.cidr, gateway_ip=net.gateway, enable_dhcp=True,
            allocation_pools=_pools(net.cidr, net.gateway),
            dns_nameservers=[], host_routes=[], description='',
            revision_number=0, created_at=net.created_at))
        subnets[net.id] = conn.execute(sa.select(_SUBNETS.c.id).where(
            _SUBNETS.c.network_id == net.id)).scalar_one()
    return subnets


def _migrate_addresses(conn, subnets):
    """Allocated addresses become ports of their servers; free rows go."""
    now = datetime.datetime.utcnow()
    rows = conn.execute(
        sa.select(_FIXED_IPS, _INSTANCES.c.project_id,
                  _INSTANCES.c.availability_zone)
        .select_from(_FIXED_IPS.outerjoin(
            _INSTANCES, _INSTANCES.c.uuid == _FIXED_IPS.c.instance_uuid))
        .where(_FIXED_IPS.c.instance_uuid.isnot(None))).all()
    for row in rows:
        port_id = row.port_id or str(uuid.uuid4())
        conn.execute(_PORTS.insert().values(
            uuid=port_id, network_id=row.network_id,
            project_id=row.project_id or '', name='',
            mac_address=row.mac or 'fa:16:3e:%06x' % row.id,
            admin_state_up=True, device_id=row.instance_uuid,
            device_owner='compute:%s' % (row.availability_zone or 'nova'),
            description='', auto_delete=True, revision_number=0,
            created_at=row.allocated_at or now))
        conn.execute(_FIXED_IPS.update().where(_FIXED_IPS.c.id == row.id)
                     .values(port_id=port_id,
                             subnet_id=subnets.get(row.network_id)))
    conn.execute(_FIXED_IPS.delete().where(
        _FIXED_IPS.c.instance_uuid.is_(None)))


def upgrade():
    _alter_networks()
    _create_subnets()
    _create_ports()
    _alter_fixed_ips()
    conn = op.get_bind()
    _migrate_addresses(conn, _migrate_networks(conn))


def downgrade():
    """Back to 0021: project networks, their subnets and ports, and user
    ports without a server are lost; the flat networks' free address rows
    come back."""
    conn = op.get_bind()
    conn.execute(_FIXED_IPS.delete().where(
        _FIXED_IPS.c.instance_uuid.is_(None)))
    flat = conn.execute(sa.select(_NETWORKS).where(
        _NETWORKS.c.config_key.isnot(None))).all()
    conn.execute(_FIXED_IPS.delete().where(
        _FIXED_IPS.c.network_id.notin_([n.id for n in flat])))
    now = datetime.datetime.utcnow()
    for net in flat:
        taken = set(conn.execute(sa.select(_FIXED_IPS.c.address).where(
            _FIXED_IPS.c.network_id == net.id)).scalars())
        free = [{'network_id': net.id, 'address': str(a), 'created_at': now}
                for a in ipaddress.ip_network(net.cidr).hosts()
                if str(a) != net.gateway and str(a) not in taken]
        if free:
            conn.execute(_FIXED_IPS.insert(), free)
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.drop_column('requested_networks')
    with op.batch_alter_table('fixed_ips', schema=None) as batch_op:
        batch_op.drop_constraint('fixed_ips_subnet_id_fkey',
                                 type_='foreignkey')
        batch_op.drop_index('fixed_ips_subnet_id_idx')
        batch_op.drop_index('fixed_ips_port_id_idx')
        batch_op.drop_column('subnet_id')
        batch_op.create_unique_constraint('uniq_fixed_ips0port_id',
                                          ['port_id'])
        batch_op.create_unique_constraint('uniq_fixed_ips0mac', ['mac'])
    op.drop_table('ports')
    op.drop_table('subnets')
    conn.execute(_NETWORKS.delete().where(_NETWORKS.c.config_key.is_(None)))
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.drop_index('networks_project_id_idx')
        batch_op.drop_constraint('uniq_networks0config_key', type_='unique')
        batch_op.create_unique_constraint('uniq_networks0label0deleted',
                                          ['label', 'deleted'])
        for name in ('config_key', 'project_id', 'shared', 'admin_state_up',
                     'router_external', 'mtu', 'status', 'description',
                     'revision_number'):
            batch_op.drop_column(name)
        batch_op.alter_column('cidr', existing_type=sa.String(64),
                              nullable=False)

