"""instance network request, flavor snapshot and lock reason

``network_request``: what the create request asked of the network
(compute API microversion 2.37): NULL for the project's usable network
(the flat network: networks omitted, ``auto`` or the flat network's
uuid), ``none`` for a server without any network (no fixed IP, no NIC).

``flavor_swap`` (MiB) and ``flavor_extra_specs`` (a JSON object) complete
the flavor copied at create time (vcpus, memory_mb, root_gb, ephemeral_gb
and flavor_name already are), for the embedded flavor of server bodies
from microversion 2.47; NULL for servers created before this revision
(shown as 0 and {}).

``locked_reason``: why a locked server is locked (microversion 2.73).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 11:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('network_request',
                                      sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('flavor_swap', sa.Integer(),
                                      nullable=True))
        batch_op.add_column(sa.Column('flavor_extra_specs', sa.Text(),
                                      nullable=True))
        batch_op.add_column(sa.Column('locked_reason', sa.String(length=255),
                                      nullable=True))
