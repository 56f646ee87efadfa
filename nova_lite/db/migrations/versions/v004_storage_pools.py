"""storage pools: CloudStack primary storage of the volume service
(branch ``volume``)

``storage_pools``: a pool is a directory of one volume service host
with a capacity (GiB) and an over-provisioning factor, scoped to one
cluster (``cluster_uuid``; CloudStack's scope CLUSTER) or to a whole
zone (scope ZONE). ``volumes.pool_uuid``: the pool holding a volume
(NULL: the host's default pool, ``[volume] volumes_dir``, as before
this revision). doc/cloudstack.md, "Primary storage".

Revision ID: v004
Revises: v003
Create Date: 2026-12-07 03:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'v004'
down_revision = 'v003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'storage_pools',
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('deleted_at', sa.DateTime(), nullable=True),
        sa.Column('deleted', sa.Integer(), nullable=False),
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False, unique=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('path', sa.String(1024), nullable=False),
        sa.Column('zone', sa.String(255), nullable=False),
        sa.Column('pod_uuid', sa.String(36), nullable=True),
        sa.Column('cluster_uuid', sa.String(36), nullable=True),
        sa.Column('capacity_gb', sa.Integer(), nullable=False),
        sa.Column('over_provisioning', sa.Float(), nullable=False),
        sa.Column('state', sa.String(32), nullable=False),
        sa.UniqueConstraint('name', 'deleted',
                            name='uniq_storage_pools0name0deleted'),
    )
    op.create_index('storage_pools_cluster_idx', 'storage_pools',
                    ['cluster_uuid', 'deleted'])
    with op.batch_alter_table('volumes') as batch:
        batch.add_column(sa.Column('pool_uuid', sa.String(36),
                                   nullable=True))


def downgrade():
    with op.batch_alter_table('volumes') as batch:
        batch.drop_column('pool_uuid')
    op.drop_index('storage_pools_cluster_idx', table_name='storage_pools')
    op.drop_table('storage_pools')
