"""block storage tables (branch ``volume``)

The base of the ``volume`` branch, apart from the main chain (it
depends on none of its revisions, so neither chain's numbering ever
conflicts with the other's): ``volume_types`` (with the ``__DEFAULT__``
type), ``volumes``, ``volume_attachments``, ``volume_snapshots`` and
``volume_quota_usages`` (doc/volumes.md). ``nova-lite-manage db sync``
upgrades both heads.

Revision ID: v001
Revises:
Create Date: 2026-12-06 21:00:00.000000
"""
import datetime
import uuid

from alembic import op
import sqlalchemy as sa


revision = 'v001'
down_revision = None
branch_labels = ('volume',)
depends_on = None


def _common():
    return [sa.Column('created_at', sa.DateTime(), nullable=False),
            sa.Column('updated_at', sa.DateTime(), nullable=True),
            sa.Column('deleted_at', sa.DateTime(), nullable=True),
            sa.Column('deleted', sa.Integer(), nullable=False)]


def _types():
    table = op.create_table(
        'volume_types',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False, unique=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('description', sa.String(255)),
        sa.Column('is_public', sa.Boolean(), nullable=False),
        sa.Column('extra_specs', sa.JSON()),
        *_common())
    op.create_index('volume_types_name_idx', 'volume_types',
                    ['name', 'deleted'])
    op.bulk_insert(table, [{
        'uuid': str(uuid.uuid4()), 'name': '__DEFAULT__',
        'description': 'Default Volume Type', 'is_public': True,
        'extra_specs': {}, 'deleted': 0,
        'created_at': datetime.datetime.utcnow()}])


def _volumes():
    op.create_table(
        'volumes',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255)),
        sa.Column('display_name', sa.String(255)),
        sa.Column('display_description', sa.String(255)),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('previous_status', sa.String(32)),
        sa.Column('attach_status', sa.String(32), nullable=False),
        sa.Column('availability_zone', sa.String(255)),
        sa.Column('volume_type_id', sa.String(36)),
        sa.Column('bootable', sa.Boolean(), nullable=False),
        sa.Column('multiattach', sa.Boolean(), nullable=False),
        sa.Column('host', sa.String(255)),
        sa.Column('provider_location', sa.String(1024)),
        sa.Column('format', sa.String(16)),
        sa.Column('source_image_id', sa.String(36)),
        sa.Column('snapshot_id', sa.String(36)),
        sa.Column('volume_metadata', sa.JSON()),
        sa.Column('status_updated_at', sa.DateTime()),
        sa.UniqueConstraint('uuid', name='uniq_volumes0uuid'),
        *_common())
    op.create_index('volumes_project_id_idx', 'volumes',
                    ['project_id', 'deleted'])
    op.create_index('volumes_status_idx', 'volumes', ['status', 'deleted'])


def _attachments():
    op.create_table(
        'volume_attachments',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('volume_uuid', sa.String(36), nullable=False),
        sa.Column('instance_uuid', sa.String(36)),
        sa.Column('attached_host', sa.String(255)),
        sa.Column('mountpoint', sa.String(255)),
        sa.Column('attach_mode', sa.String(8), nullable=False),
        sa.Column('attach_status', sa.String(32), nullable=False),
        sa.Column('connector', sa.JSON()),
        sa.Column('connection_info', sa.JSON()),
        sa.Column('export_port', sa.Integer()),
        sa.Column('attach_time', sa.DateTime()),
        sa.Column('detach_time', sa.DateTime()),
        sa.UniqueConstraint('uuid', name='uniq_volume_attachments0uuid'),
        *_common())
    op.create_index('volume_attachments_volume_idx', 'volume_attachments',
                    ['volume_uuid', 'deleted'])


def _snapshots():
    op.create_table(
        'volume_snapshots',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('volume_uuid', sa.String(36), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255)),
        sa.Column('display_name', sa.String(255)),
        sa.Column('display_description', sa.String(255)),
        sa.Column('volume_size', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('provider_location', sa.String(1024)),
        sa.Column('snapshot_metadata', sa.Text()),
        sa.Column('status_updated_at', sa.DateTime()),
        sa.UniqueConstraint('uuid', name='uniq_volume_snapshots0uuid'),
        *_common())
    op.create_index('volume_snapshots_volume_idx', 'volume_snapshots',
                    ['volume_uuid', 'deleted'])


def upgrade():
    _types()
    _volumes()
    _attachments()
    _snapshots()
    op.create_table(
        'volume_quota_usages',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('resource', sa.String(32), nullable=False),
        sa.Column('in_use', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.UniqueConstraint('project_id', 'resource',
                            name='uniq_volume_quota_usages0project0resource'))


def downgrade():
    for table in ('volume_quota_usages', 'volume_snapshots',
                  'volume_attachments', 'volumes', 'volume_types'):
        op.drop_table(table)
