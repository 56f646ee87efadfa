"""volume attachments: the compute's block device mapping fields
(branch ``volume``)

A volume attached to a server through the compute API
(``os-volume_attachments``) carries what Nova keeps in its block device
mapping: the device ``tag`` (microversion 2.49), ``delete_on_termination``
(2.79) and the mapping's own id ``bdm_uuid`` (2.89).

Revision ID: v002
Revises: v001
Create Date: 2026-12-06 21:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'v002'
down_revision = 'v001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('volume_attachments') as batch:
        batch.add_column(sa.Column('tag', sa.String(255), nullable=True))
        batch.add_column(sa.Column('delete_on_termination', sa.Boolean(),
                                   nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('bdm_uuid', sa.String(36),
                                   nullable=True))
