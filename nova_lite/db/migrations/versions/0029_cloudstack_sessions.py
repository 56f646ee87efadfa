"""cloudstack sessions

``cloudstack_sessions``: the login sessions of the CloudStack API, until
now in the memory of one API process, so that every API process (``[api]
workers``, several API hosts behind a load balancer) knows every session:
SHA-256 digests of the JSESSIONID and of the sessionkey, the caller's
Keystone identity at login (ids, names, roles as a JSON list), the last
use and the expiry of the login's token (naive UTC). Sessions live in
memory before this revision: none is carried over (users log in again).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 04:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cloudstack_sessions',
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('session_hash', sa.String(64), nullable=False),
        sa.Column('key_hash', sa.String(64), nullable=False),
        sa.Column('user_id', sa.String(255), nullable=False),
        sa.Column('user_name', sa.String(255), nullable=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('project_name', sa.String(255), nullable=True),
        sa.Column('domain_id', sa.String(255), nullable=True),
        sa.Column('domain_name', sa.String(255), nullable=True),
        sa.Column('roles', sa.Text(), nullable=False),
        sa.Column('last_used', sa.DateTime(), nullable=False),
        sa.Column('expires', sa.DateTime(), nullable=True),
        sa.UniqueConstraint('session_hash',
                            name='uniq_cloudstack_sessions0session_hash'),
    )
    op.create_index('cloudstack_sessions_last_used_idx',
                    'cloudstack_sessions', ['last_used'])


def downgrade():
    """Back to 0028: the sessions are dropped (users log in again)."""
    op.drop_table('cloudstack_sessions')
