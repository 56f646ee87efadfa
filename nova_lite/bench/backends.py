"""The machine's real backends for a run: a fresh database on MariaDB or
PostgreSQL (or a SQLite file) and a private RabbitMQ vhost.

Servers, overridable by environment variables: MariaDB
``root@127.0.0.1:3306`` (``NOVA_LITE_TEST_MYSQL_URL``), PostgreSQL
``root@127.0.0.1:5432`` trust (``NOVA_LITE_TEST_PG_URL``), RabbitMQ
``guest@127.0.0.1:5672`` (``NOVA_LITE_TEST_RABBIT``, managed with the
local ``rabbitmqctl``).
"""
import os
import shutil
import subprocess
import tempfile
import uuid

import sqlalchemy as sa

from nova_lite.bench import Resource

MYSQL_ADMIN_URL = os.environ.get('NOVA_LITE_TEST_MYSQL_URL',
                                 'mysql+pymysql://root@127.0.0.1:3306/')
PG_ADMIN_URL = os.environ.get('NOVA_LITE_TEST_PG_URL',
                              'postgresql+psycopg://root@127.0.0.1:5432/'
                              'postgres')
RABBIT_HOST = os.environ.get('NOVA_LITE_TEST_RABBIT', '127.0.0.1:5672')
BACKENDS = ('sqlite', 'mysql', 'postgresql')


def unique(prefix):
    """``prefix`` plus 10 random hex digits (a database or vhost name)."""
    return '%s_%s' % (prefix, uuid.uuid4().hex[:10])


class TempDir(Resource):
    """A new directory (``path``), removed with its contents."""

    def _start(self):
        self.path = tempfile.mkdtemp(prefix='nova-lite-')
        self.addCleanup(shutil.rmtree, self.path, ignore_errors=True)


class Database(Resource):
    """A new, empty database, dropped at cleanup; ``url`` is its
    SQLAlchemy URL.

    :param backend: 'sqlite', 'mysql' or 'postgresql'
    :param tmp_dir: directory of the SQLite file (default: a new one)
    :raises ValueError: for another backend name
    """

    def __init__(self, backend, tmp_dir=None):
        super().__init__()
        if backend not in BACKENDS:
            raise ValueError('backend must be one of %s, not %r'
                             % (', '.join(BACKENDS), backend))
        self.backend = backend
        self.tmp_dir = tmp_dir
        self.url = None

    def _start(self):
        getattr(self, '_start_%s' % self.backend)()

    def _start_sqlite(self):
        tmp = self.tmp_dir or self.use(TempDir()).path
        self.url = 'sqlite:///%s' % os.path.join(tmp, 'nova_lite.sqlite')

    def _admin(self, url, name, create, drop):
        engine = sa.create_engine(url, isolation_level='AUTOCOMMIT')
        self.addCleanup(engine.dispose)
        with engine.connect() as conn:
            conn.exec_driver_sql(create % name)
        self.addCleanup(self._drop, engine, drop % name)

    @staticmethod
    def _drop(engine, statement):
        with engine.connect() as conn:
            conn.exec_driver_sql(statement)

    def _start_mysql(self):
        name = unique('nl_test')
        self._admin(MYSQL_ADMIN_URL, name,
                    'CREATE DATABASE %s CHARACTER SET utf8mb4',
                    'DROP DATABASE IF EXISTS %s')
        self.url = '%s%s?charset=utf8mb4' % (MYSQL_ADMIN_URL, name)

    def _start_postgresql(self):
        name = unique('nl_test')
        self._admin(PG_ADMIN_URL, name, 'CREATE DATABASE %s',
                    'DROP DATABASE IF EXISTS %s WITH (FORCE)')
        self.url = PG_ADMIN_URL.rsplit('/', 1)[0] + '/' + name


def rabbitmqctl(*args):
    """Run ``rabbitmqctl -q ARGS``; its stdout.

    :raises RuntimeError: with rabbitmqctl's output when it fails
    """
    result = subprocess.run(('rabbitmqctl', '-q') + args, capture_output=True,
                            text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError('rabbitmqctl %s failed: %s%s' % (
            ' '.join(args), result.stdout, result.stderr))
    return result.stdout


class RabbitVhost(Resource):
    """A private vhost on the machine's RabbitMQ, deleted at cleanup, so
    runs never share queues; ``transport_url`` points at it."""

    def _start(self):
        self.vhost = unique('nl_test')
        rabbitmqctl('add_vhost', self.vhost)
        self.addCleanup(rabbitmqctl, 'delete_vhost', self.vhost)
        rabbitmqctl('set_permissions', '-p', self.vhost, 'guest', '.*', '.*',
                    '.*')
        self.transport_url = 'rabbit://guest:guest@%s/%s' % (RABBIT_HOST,
                                                            self.vhost)
