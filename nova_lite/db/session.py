"""Engine, transactions and the helpers every ``nova_lite.db`` module
shares; no resource lives here.

``reader(context)`` / ``writer(context)`` open a transaction through
oslo.db's enginefacade, configured from ``[database]`` on first use.
Writers are wrapped in ``retry_on_deadlock``. ``utcnow()`` is the naive
UTC time every column holds; ``to_dict(row)`` turns an ORM row into a
dict of its columns, the shape ``nova_lite.db`` returns (with the frozen
``Record`` read model for rows callers read as attributes).
"""
import functools
import threading

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import exc_filters
from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import event

_LOCK = threading.Lock()
_CONTEXT_MANAGER = None

# Writers retry deadlocks and lost connections with backoff (0.2 s doubling
# to 2 s, ~15 s in all): a database restart does not lose service work.
retry_on_deadlock = oslo_db_api.wrap_db_retry(
    max_retries=10, retry_interval=0.2, inc_retry_interval=True,
    max_retry_interval=2, retry_on_deadlock=True, retry_on_disconnect=True)


def utcnow():
    """The current time, naive UTC (as every time column holds it)."""
    return timeutils.utcnow()


@exc_filters.filters(
    'postgresql', sa.exc.OperationalError,
    r'.*(connection failed|server closed the connection unexpectedly|'
    r'consuming input failed|the connection is (lost|closed))')
def _psycopg_connection_error(error, match, engine_name, is_disconnect):
    """oslo.db filter: psycopg (3) reports a refused or dropped server in
    words oslo.db does not know (it knows psycopg2's "could not connect to
    server"), so they reached callers as a bare OperationalError: writers
    did not retry (``retry_on_disconnect``) and the API answered 500.

    :raises: DBConnectionError
    """
    raise db_exc.DBConnectionError(error)


def _on_engine_created(engine):
    if engine.dialect.name != 'sqlite':
        return

    @event.listens_for(engine, 'connect')
    def _sqlite_setup(dbapi_conn, _record):
        cursor = dbapi_conn.cursor()
        cursor.execute('PRAGMA busy_timeout = 30000')
        if engine.url.database not in (None, '', ':memory:'):
            cursor.execute('PRAGMA journal_mode = WAL')
        cursor.close()

    def _sqlite_begin(conn):
        # oslo.db emits a deferred BEGIN; a transaction that reads then
        # writes then fails at once with "database is locked" while another
        # writer is active. Taking the write lock up front makes it wait
        # (busy_timeout) instead. oslo.db's commit/rollback listeners clear
        # the "in_transaction" marker.
        if 'in_transaction' not in conn.info:
            conn.exec_driver_sql('BEGIN IMMEDIATE')
            conn.info['in_transaction'] = True

    for listener in list(engine.dispatch.begin):
        if getattr(listener, '__name__', '') == '_sqlite_emit_begin':
            event.remove(engine, 'begin', listener)
    event.listen(engine, 'begin', _sqlite_begin)


def context_manager():
    """The enginefacade transaction context, configured from
    ``[database]`` on first use (oslo.db reads ``cfg.CONF.database``)."""
    global _CONTEXT_MANAGER
    with _LOCK:
        if _CONTEXT_MANAGER is None:
            mgr = enginefacade.transaction_context()
            mgr.configure(sqlite_fk=False)
            mgr.append_on_engine_create(_on_engine_created)
            _CONTEXT_MANAGER = mgr
        return _CONTEXT_MANAGER


def reset():
    """Drop the engine so the next call re-reads ``[database]`` (tests)."""
    global _CONTEXT_MANAGER
    with _LOCK:
        mgr, _CONTEXT_MANAGER = _CONTEXT_MANAGER, None
    if mgr is not None:
        try:
            mgr.writer.get_engine().dispose()
        except Exception:  # noqa: BLE001 - engine never started
            pass


def get_engine():
    """The writer engine (migrations, tests)."""
    return context_manager().writer.get_engine()


def writer(context):
    """A read-write transaction of ``context`` (commits on exit)."""
    return context_manager().writer.using(context)


def reader(context):
    """A read-only transaction of ``context``."""
    return context_manager().reader.using(context)


def ping(context):
    """``SELECT 1`` on a pooled connection (health checks).

    :raises: oslo.db DBConnectionError when the database is unreachable
    """
    with reader(context) as session:
        session.execute(sa.text('SELECT 1'))


def to_dict(row):
    """``{column attribute: value}`` of an ORM row (its loaded columns;
    no relationship)."""
    return {c.key: getattr(row, c.key)
            for c in sa.inspect(row).mapper.column_attrs}


class Record:
    """A frozen read model: the columns of a row (and what was read with
    it, e.g. an instance's ``metadata_items``) as attributes. It holds no
    session and issues no SQL; attributes cannot be set or deleted.

    :param values: mapping or iterable of (name, value)
    :param extra: more attributes
    """

    __slots__ = ('__dict__',)

    def __init__(self, values=(), **extra):
        self.__dict__.update(values)
        self.__dict__.update(extra)

    def __setattr__(self, name, value):
        raise AttributeError('%s is read-only' % type(self).__name__)

    def __delattr__(self, name):
        raise AttributeError('%s is read-only' % type(self).__name__)

    def __eq__(self, other):
        return type(other) is type(self) and other.__dict__ == self.__dict__

    __hash__ = None

    def __repr__(self):
        key = self.__dict__.get('uuid', self.__dict__.get('id'))
        return '<Record %s>' % key

    def as_dict(self):
        """A new dict of the attributes."""
        return dict(self.__dict__)


def live_row(context, model, key, value):
    """``{attribute: value}`` of the live row of ``model`` whose ``key``
    column is ``value`` (the first one), or None; read with Core (no ORM
    object: ~1 ms less per server create)."""
    with reader(context) as session:
        row = session.execute(_live_row_query(model, key),
                              {'value': value}).first()
    return None if row is None else dict(row._mapping)


@functools.lru_cache(maxsize=None)
def _live_row_query(model, key):
    """SELECT of every mapped column of ``model``, labelled by attribute
    name, where ``key`` is the bound parameter ``value`` and not
    deleted; built once per model."""
    columns = [attr.columns[0].label(attr.key)
               for attr in sa.inspect(model).column_attrs]
    table = model.__table__
    return sa.select(*columns).where(
        table.c[key] == sa.bindparam('value'), table.c.deleted == 0)
