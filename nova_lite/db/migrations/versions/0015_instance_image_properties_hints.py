"""instance image properties and scheduler hints

``image_properties``: the properties of the image a server was created
from (a JSON object of strings), copied at create time, for the
``image.properties`` of server bodies from compute API microversion
2.98.  ``scheduler_hints``: the scheduler hints of the create request
(a JSON object of lists of strings, as the request spec holds them),
shown from microversion 2.100.  Both NULL for servers created before
this revision (shown as {} and null).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 15:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('image_properties', sa.Text(),
                                      nullable=True))
        batch_op.add_column(sa.Column('scheduler_hints', sa.Text(),
                                      nullable=True))
