"""instance description

The server ``description`` of the compute API from microversion 2.19
(at most 255 characters, null when unset).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_description',
                                      sa.String(length=255), nullable=True))
