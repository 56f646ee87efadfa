"""instance name

Adds ``instances.instance_name``, the hypervisor-side name (``[DEFAULT]
instance_name_template``) stored at create time, and backfills every
existing row with ``instance-<uuid>``: the name its libvirt domain already
has, so no guest is orphaned whatever the template is now.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 08:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# The name every guest was given before the column existed.
LEGACY_PREFIX = 'instance-'


def upgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('instance_name', sa.String(length=255),
                                      nullable=True))
    instances = sa.table('instances',
                         sa.column('uuid', sa.String(36)),
                         sa.column('instance_name', sa.String(255)))
    # String + String compiles to || on SQLite and PostgreSQL and to
    # concat() on MySQL/MariaDB (where || is OR).
    op.execute(instances.update()
               .where(instances.c.instance_name.is_(None))
               .values(instance_name=sa.literal(LEGACY_PREFIX, sa.String)
                       + instances.c.uuid))
