"""Alembic environment: runs on the connection nova_lite hands it."""
from alembic import context

from nova_lite.db import session as db_session
from nova_lite.db import models

target_metadata = models.Base.metadata


def _run(connection):
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get('connection')
if connection is not None:
    _run(connection)
else:
    with db_session.get_engine().connect() as conn:
        _run(conn)
        conn.commit()
