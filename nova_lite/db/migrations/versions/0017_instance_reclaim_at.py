"""instance reclaim time (soft delete)

``reclaim_at``: while an instance is SOFT_DELETED (a compute API delete
with ``[DEFAULT] reclaim_instance_interval`` > 0, or CloudStack's
destroyVirtualMachine without expunge: Destroyed), the time (naive UTC)
from which a compute's periodic task deletes it for good; NULL
otherwise. See doc/lifecycle.md.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 14:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reclaim_at', sa.DateTime(),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.drop_column('reclaim_at')
