"""instances: the volume block device mappings of the create request

A server booted from a volume, or created with more volumes
(``block_device_mapping_v2`` with ``destination_type`` volume; compute
API reference, "Create Server"), keeps what the request asked for: a
JSON list of mappings (source type and id, size, boot index, device,
tag, delete_on_termination, and the volume's id once it exists). NULL
for a server with no volume mapping. doc/volumes.md, "Boot from
volume".

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 00:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instances') as batch:
        batch.add_column(sa.Column('block_device_mapping', sa.JSON(),
                                   nullable=True))


def downgrade():
    with op.batch_alter_table('instances') as batch:
        batch.drop_column('block_device_mapping')
