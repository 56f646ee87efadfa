"""global settings (CloudStack's global overcommit ratios)

``global_settings``: numeric settings of the whole cloud changed at run
time, by name: ``cpu.overcommit.ratio`` and ``mem.overcommit.ratio``
(CloudStack's updateConfiguration without a scope), the allocation
ratios of hosts whose cluster sets none (doc/cloudstack.md).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 00:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'global_settings',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.String(255), nullable=False, unique=True),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime()))


def downgrade():
    """Back to 0025: the global ratios are lost (the hosts' own
    allocation ratios apply again where no cluster sets one)."""
    op.drop_table('global_settings')
