"""dashboard sessions

``dashboard_sessions``: the signed-in sessions of the web dashboard
(``nova-lite-dashboard``), shared by every dashboard process: the
SHA-256 digest of the session cookie, the user's Keystone token
encrypted with a key derived from the cookie (not stored), the
identity and catalog endpoints of the sign-in, the last use and the
token's expiry (naive UTC).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 17:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'dashboard_sessions',
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('session_hash', sa.String(64), nullable=False),
        sa.Column('token_blob', sa.Text(), nullable=False),
        sa.Column('user_id', sa.String(255), nullable=False),
        sa.Column('user_name', sa.String(255), nullable=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('project_name', sa.String(255), nullable=True),
        sa.Column('roles', sa.Text(), nullable=False),
        sa.Column('endpoints', sa.Text(), nullable=False),
        sa.Column('last_used', sa.DateTime(), nullable=False),
        sa.Column('expires', sa.DateTime(), nullable=True),
        sa.UniqueConstraint('session_hash',
                            name='uniq_dashboard_sessions0session_hash'),
    )
    op.create_index('dashboard_sessions_last_used_idx',
                    'dashboard_sessions', ['last_used'])


def downgrade():
    """Back to 0029: the sessions are dropped (users sign in again)."""
    op.drop_table('dashboard_sessions')
