"""console auth tokens

``console_auth_tokens``: the tokens of remote consoles (noVNC, serial)
the compute API issues and nova-lite-novncproxy checks: the SHA-256 of
the token, the instance and its compute host, where the proxy connects
(a Unix socket path, or host and port), the console type and the expiry
(naive UTC). See doc/consoles.md.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 15:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'console_auth_tokens',
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('token_hash', sa.String(64), nullable=False),
        sa.Column('console_type', sa.String(255), nullable=False),
        sa.Column('instance_uuid', sa.String(36), nullable=False),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('target_host', sa.String(255), nullable=True),
        sa.Column('target_port', sa.Integer(), nullable=True),
        sa.Column('target_path', sa.String(255), nullable=True),
        sa.Column('expires', sa.DateTime(), nullable=False),
        sa.UniqueConstraint('token_hash',
                            name='uniq_console_auth_tokens0token_hash'),
    )
    op.create_index('console_auth_tokens_instance_uuid_idx',
                    'console_auth_tokens', ['instance_uuid'])
    op.create_index('console_auth_tokens_expires_idx',
                    'console_auth_tokens', ['expires'])


def downgrade():
    op.drop_table('console_auth_tokens')
