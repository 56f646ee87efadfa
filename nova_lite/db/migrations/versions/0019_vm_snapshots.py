"""vm_snapshots (CloudStack VM snapshots)

One row per VM snapshot of an instance (createVMSnapshot,
listVMSnapshot, revertToVMSnapshot, deleteVMSnapshot; doc/cloudstack.md
"VM snapshots"): its type (Disk or DiskAndMemory), state (Allocated,
Creating, Ready, Reverting, Expunging, Error), whether it is current,
its parent, and the request of the operation in progress. Rows are
soft-deleted with their snapshot, and with their instance.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 15:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'vm_snapshots',
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('deleted_at', sa.DateTime(), nullable=True),
        sa.Column('deleted', sa.Integer(), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uuid', sa.String(length=36), nullable=False),
        sa.Column('instance_uuid', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=True),
        sa.Column('user_id', sa.String(length=255), nullable=True),
        sa.Column('display_name', sa.String(length=255), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('description', sa.String(length=255), nullable=True),
        sa.Column('type', sa.String(length=16), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('current', sa.Boolean(), nullable=False),
        sa.Column('parent_uuid', sa.String(length=36), nullable=True),
        sa.Column('request_id', sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('uuid', name='uniq_vm_snapshots0uuid'),
    )
    op.create_index('vm_snapshots_instance_uuid_idx', 'vm_snapshots',
                    ['instance_uuid', 'deleted'])
    op.create_index('vm_snapshots_project_id_idx', 'vm_snapshots',
                    ['project_id', 'deleted'])


def downgrade():
    op.drop_index('vm_snapshots_project_id_idx', table_name='vm_snapshots')
    op.drop_index('vm_snapshots_instance_uuid_idx',
                  table_name='vm_snapshots')
    op.drop_table('vm_snapshots')
