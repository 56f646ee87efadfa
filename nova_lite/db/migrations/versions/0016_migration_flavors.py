"""migration flavors: the flavors a resize moves between

``migrations.old_flavor`` and ``new_flavor``: JSON objects of the
instance's flavor before a resize (what a revert restores) and of the
flavor it resizes to (what the destination gets), copied when the
resize is accepted (nova_lite.compute.api_resize): flavorid, name,
vcpus, memory_mb (MiB), root_gb, ephemeral_gb (GiB), swap (MiB),
extra_specs. A flavor deleted during the resize does not change them.
NULL for other migrations.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 14:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('migrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('old_flavor', sa.Text(),
                                      nullable=True))
        batch_op.add_column(sa.Column('new_flavor', sa.Text(),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('migrations', schema=None) as batch_op:
        batch_op.drop_column('new_flavor')
        batch_op.drop_column('old_flavor')
