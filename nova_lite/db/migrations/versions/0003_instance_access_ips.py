"""instance access ips

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:26:45.862706
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_ip_v4', sa.String(length=15), nullable=True))
        batch_op.add_column(sa.Column('access_ip_v6', sa.String(length=45), nullable=True))
