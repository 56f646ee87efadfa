"""device tags of ports

``ports.tag``: the device tag a server's NIC was given (compute API
2.32 ``networks[].tag`` at create, 2.49 ``tag`` of an interface
attachment), shown by os-interface from 2.70 and in the metadata
service's ``devices`` list (doc/interfaces.md).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 20:45:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ports') as batch:
        batch.add_column(sa.Column('tag', sa.String(60), nullable=True))


def downgrade():
    """Back to 0023: the ports' device tags are lost."""
    with op.batch_alter_table('ports') as batch:
        batch.drop_column('tag')
