"""server tags

The ``tags`` of servers (compute API microversion 2.26): one row a
(server uuid, tag) pair.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 09:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'tags',
        sa.Column('resource_id', sa.String(length=36), nullable=False),
        sa.Column('tag', sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint('resource_id', 'tag'),
    )
    op.create_index('tags_tag_idx', 'tags', ['tag'])
