"""What the compute API and the CloudStack API both answer for "retry
later": an RPC call that timed out, a database that cannot be reached.

Each API renders these in its own format (``nova_lite.api.wsgi``: a
compute API fault with HTTP 503; ``nova_lite.api.cloudstack.api``:
CloudStack's errorcode 534 sent as HTTP 503); both send the same
Retry-After and classify database errors with the same rule.
"""
from oslo_db import exception as db_exc
import sqlalchemy.exc as sa_exc

#: Retry-After (seconds) of a 503 for an RPC call that timed out.
RPC_RETRY_AFTER = 30

#: Retry-After (seconds) of a 503 for an unreachable database.
DB_RETRY_AFTER = 10


def is_db_connection_error(exc):
    """True for a database error caused by a lost, refused or exhausted
    connection (oslo.db's DBConnectionError, an invalidated DBAPI
    connection, a connection pool timeout), not by the statement."""
    if isinstance(exc, (db_exc.DBConnectionError, sa_exc.TimeoutError)):
        return True
    inner = getattr(exc, 'inner_exception', None) or exc
    return bool(getattr(inner, 'connection_invalidated', False))
