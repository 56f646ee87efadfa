"""security groups and port ids (Networking API)

``security_groups``, ``security_group_rules``, ``default_security_groups``
(each project's ``default`` group) and ``instance_security_groups`` (the
groups of each instance), as the Networking API at /network serves them
(doc/network-api.md); ``fixed_ips.port_id``: the Networking API id of
the port an allocated address is, filled for the addresses allocated
before this revision.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 15:00:00.000000
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def _timestamps():
    return [sa.Column('created_at', sa.DateTime(), nullable=False),
            sa.Column('updated_at', sa.DateTime(), nullable=True)]


def _create_groups():
    op.create_table(
        'security_groups',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('description', sa.String(255), nullable=False),
        sa.Column('revision_number', sa.Integer(), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint('uuid', name='uniq_security_groups0uuid'))
    op.create_index('security_groups_project_id_idx', 'security_groups',
                    ['project_id'])
    op.create_table(
        'default_security_groups',
        sa.Column('project_id', sa.String(255), primary_key=True),
        sa.Column('security_group_id', sa.Integer(),
                  sa.ForeignKey('security_groups.id'), nullable=False))


def _create_rules():
    op.create_table(
        'security_group_rules',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('security_group_id', sa.Integer(),
                  sa.ForeignKey('security_groups.id'), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('direction', sa.String(16), nullable=False),
        sa.Column('ethertype', sa.String(8), nullable=False),
        sa.Column('protocol', sa.String(40), nullable=True),
        sa.Column('port_range_min', sa.Integer(), nullable=True),
        sa.Column('port_range_max', sa.Integer(), nullable=True),
        sa.Column('remote_ip_prefix', sa.String(64), nullable=True),
        sa.Column('remote_group_id', sa.Integer(),
                  sa.ForeignKey('security_groups.id'), nullable=True),
        sa.Column('description', sa.String(255), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint('uuid', name='uniq_security_group_rules0uuid'))
    op.create_index('security_group_rules_group_idx',
                    'security_group_rules', ['security_group_id'])
    op.create_index('security_group_rules_remote_group_idx',
                    'security_group_rules', ['remote_group_id'])


def _create_memberships():
    op.create_table(
        'instance_security_groups',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('instance_uuid', sa.String(36), nullable=False),
        sa.Column('security_group_id', sa.Integer(),
                  sa.ForeignKey('security_groups.id'), nullable=False),
        sa.UniqueConstraint(
            'instance_uuid', 'security_group_id',
            name='uniq_instance_security_groups0instance0group'))
    op.create_index('instance_security_groups_group_idx',
                    'instance_security_groups', ['security_group_id'])


def _add_port_ids():
    with op.batch_alter_table('fixed_ips', schema=None) as batch_op:
        batch_op.add_column(sa.Column('port_id', sa.String(36),
                                      nullable=True))
        batch_op.create_unique_constraint('uniq_fixed_ips0port_id',
                                          ['port_id'])
    fixed_ips = sa.table('fixed_ips', sa.column('id'),
                         sa.column('instance_uuid'), sa.column('port_id'))
    conn = op.get_bind()
    allocated = conn.execute(sa.select(fixed_ips.c.id).where(
        fixed_ips.c.instance_uuid.isnot(None))).scalars().all()
    for row_id in allocated:
        conn.execute(fixed_ips.update().where(fixed_ips.c.id == row_id)
                     .values(port_id=str(uuid.uuid4())))


def upgrade():
    _create_groups()
    _create_rules()
    _create_memberships()
    _add_port_ids()


def downgrade():
    with op.batch_alter_table('fixed_ips', schema=None) as batch_op:
        batch_op.drop_constraint('uniq_fixed_ips0port_id', type_='unique')
        batch_op.drop_column('port_id')
    for table in ('instance_security_groups', 'security_group_rules',
                  'default_security_groups', 'security_groups'):
        op.drop_table(table)
