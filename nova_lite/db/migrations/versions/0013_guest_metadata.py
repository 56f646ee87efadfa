"""guest metadata: config drive flag, admin password, guest password

``instances.config_drive`` (the server was created with a config drive,
or ``[DEFAULT] force_config_drive`` asked for one), ``admin_pass`` (the
password for the guest's next boot: create's adminPass or CloudStack's
resetPasswordForVirtualMachine, handed out once by the metadata service
and written to the config drive) and ``guest_password`` (the encrypted
password the guest posted to ``/openstack/latest/password``, shown by
os-server-password and getVMPassword).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-10 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instances') as batch:
        batch.add_column(sa.Column('config_drive', sa.Boolean(),
                                   nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('admin_pass', sa.Text(), nullable=True))
        batch.add_column(sa.Column('guest_password', sa.Text(),
                                   nullable=True))
