"""routers and floating IPs (Networking API)

``routers`` (a project's router and the external network of its
gateway; its gateway and interfaces are ports with ``device_id`` = the
router's uuid) and ``floatingips`` (an address of an external network,
held by a port of that network, associated with a fixed IP of a port
through a router): doc/network-api.md, "Routers and floating IPs".

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 18:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def _timestamps():
    return [sa.Column('created_at', sa.DateTime(), nullable=False),
            sa.Column('updated_at', sa.DateTime(), nullable=True)]


def upgrade():
    op.create_table(
        'routers',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('description', sa.String(255), nullable=False),
        sa.Column('admin_state_up', sa.Boolean(), nullable=False),
        sa.Column('gw_network_id', sa.Integer(),
                  sa.ForeignKey('networks.id'), nullable=True),
        sa.Column('revision_number', sa.Integer(), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint('uuid', name='uniq_routers0uuid'))
    op.create_index('routers_project_id_idx', 'routers', ['project_id'])
    op.create_table(
        'floatingips',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('floating_network_id', sa.Integer(),
                  sa.ForeignKey('networks.id'), nullable=False),
        sa.Column('floating_port_id', sa.String(36), nullable=False),
        sa.Column('floating_ip_address', sa.String(64), nullable=False),
        sa.Column('fixed_port_id', sa.String(36), nullable=True),
        sa.Column('fixed_ip_address', sa.String(64), nullable=True),
        sa.Column('router_id', sa.String(36), nullable=True),
        sa.Column('description', sa.String(255), nullable=False),
        sa.Column('revision_number', sa.Integer(), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint('uuid', name='uniq_floatingips0uuid'),
        sa.UniqueConstraint('floating_network_id', 'fixed_port_id',
                            'fixed_ip_address',
                            name='uniq_floatingips0network0port0address'))
    for column in ('project_id', 'fixed_port_id', 'router_id'):
        op.create_index('floatingips_%s_idx' % column, 'floatingips',
                        [column])


def downgrade():
    """Back to 0022: routers and floating IPs are lost (their ports
    stay, as ports without a device)."""
    op.drop_table('floatingips')
    op.drop_table('routers')
