"""pods, clusters and the cluster of each compute host

CloudStack's zone > pod > cluster > host hierarchy (doc/cloudstack.md):
``pods`` of an availability zone, ``clusters`` of a pod with optional
CPU/memory overcommit ratios that override the hosts' allocation
ratios in claims, and ``cluster_hosts`` mapping a host to its cluster.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 21:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def _stamps():
    return [sa.Column('created_at', sa.DateTime(), nullable=False),
            sa.Column('updated_at', sa.DateTime()),
            sa.Column('deleted_at', sa.DateTime()),
            sa.Column('deleted', sa.Integer(), nullable=False)]


def upgrade():
    op.create_table(
        'pods',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False, unique=True),
        sa.Column('zone', sa.String(255), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('gateway', sa.String(64)),
        sa.Column('netmask', sa.String(64)),
        sa.Column('start_ip', sa.String(64)),
        sa.Column('end_ip', sa.String(64)),
        *_stamps(),
        sa.UniqueConstraint('zone', 'name', 'deleted',
                            name='uniq_pods0zone0name0deleted'))
    op.create_table(
        'clusters',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False, unique=True),
        sa.Column('pod_id', sa.Integer(), sa.ForeignKey('pods.id'),
                  nullable=False, index=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('hypervisor_type', sa.String(255)),
        sa.Column('cpu_overcommit_ratio', sa.Float()),
        sa.Column('mem_overcommit_ratio', sa.Float()),
        *_stamps(),
        sa.UniqueConstraint('pod_id', 'name', 'deleted',
                            name='uniq_clusters0pod_id0name0deleted'))
    op.create_table(
        'cluster_hosts',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('host', sa.String(255), nullable=False, unique=True),
        sa.Column('cluster_id', sa.Integer(), sa.ForeignKey('clusters.id'),
                  nullable=False, index=True))


def downgrade():
    """Back to 0024: pods, clusters and host memberships are lost."""
    op.drop_table('cluster_hosts')
    op.drop_table('clusters')
    op.drop_table('pods')
