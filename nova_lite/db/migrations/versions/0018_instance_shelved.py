"""instance shelve columns

While an instance is SHELVED or SHELVED_OFFLOADED (and while it is
being shelved): ``shelved_image_id``, the image its root disk was saved
into (``<name>-shelved``); ``shelved_at`` (naive UTC), when it became
SHELVED (the periodic offload counts ``[DEFAULT] shelved_offload_time``
from it); ``shelved_host``, the host it was shelved on. NULL otherwise.
Nova keeps the same three in the instance's system metadata. See
doc/lifecycle-shelve.md.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 14:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shelved_at', sa.DateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('shelved_image_id', sa.String(36),
                                      nullable=True))
        batch_op.add_column(sa.Column('shelved_host', sa.String(255),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.drop_column('shelved_host')
        batch_op.drop_column('shelved_image_id')
        batch_op.drop_column('shelved_at')
