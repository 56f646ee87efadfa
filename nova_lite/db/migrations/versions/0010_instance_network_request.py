"""instance network request

What the create request asked of the network (compute API microversion
2.37): NULL for the project's usable network (the flat network: networks
omitted, ``auto`` or the flat network's uuid), ``none`` for a server
without any network (no fixed IP, no NIC).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 11:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('network_request',
                                      sa.String(length=16), nullable=True))
