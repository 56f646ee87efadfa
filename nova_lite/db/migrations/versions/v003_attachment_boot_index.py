"""volume attachments: the block device mapping's boot index
(branch ``volume``)

A volume a server boots from (boot from volume, doc/volumes.md) is the
attachment with ``boot_index`` 0; the other volumes of a create request
keep theirs (-1 or a later boot position). NULL for a volume attached
to a running server (``os-volume_attachments``), as Nova's mapping of a
hot-plugged volume has none.

Revision ID: v003
Revises: v002
Create Date: 2026-12-07 00:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'v003'
down_revision = 'v002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('volume_attachments') as batch:
        batch.add_column(sa.Column('boot_index', sa.Integer(),
                                   nullable=True))


def downgrade():
    with op.batch_alter_table('volume_attachments') as batch:
        batch.drop_column('boot_index')
