"""Create, drop and probe the lab's databases (run with the lab's venv).

    dbadmin.py ping SERVER_URL
    dbadmin.py create SERVER_URL NAME   # prints "created" or "exists"
    dbadmin.py drop SERVER_URL NAME     # prints "dropped" or "absent"

SERVER_URL is an SQLAlchemy URL of the server, e.g.
``mysql+pymysql://root@127.0.0.1:3306/`` or
``postgresql+psycopg://root@127.0.0.1:5432/postgres``. NAME must be a plain
identifier (letters, digits, underscores). Exit status 1 with a one-line
reason on failure; every connection attempt gives up after 5 s.
"""
import re
import sys

import sqlalchemy as sa

CONNECT_TIMEOUT = 5  # seconds


def _engine(url):
    return sa.create_engine(url, isolation_level='AUTOCOMMIT',
                            connect_args={'connect_timeout': CONNECT_TIMEOUT},
                            poolclass=sa.pool.NullPool)


def _exists(conn, dialect, name):
    if dialect == 'postgresql':
        query = 'SELECT 1 FROM pg_database WHERE datname = :name'
    else:
        query = ('SELECT 1 FROM information_schema.schemata '
                 'WHERE schema_name = :name')
    return conn.execute(sa.text(query), {'name': name}).first() is not None


def ping(url):
    with _engine(url).connect() as conn:
        conn.execute(sa.text('SELECT 1'))
    return 'ok'


def create(url, name):
    engine = _engine(url)
    with engine.connect() as conn:
        if _exists(conn, engine.dialect.name, name):
            return 'exists'
        if engine.dialect.name == 'mysql':
            conn.execute(sa.text(
                f'CREATE DATABASE `{name}` CHARACTER SET utf8mb4'))
        else:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return 'created'


def drop(url, name):
    engine = _engine(url)
    with engine.connect() as conn:
        if not _exists(conn, engine.dialect.name, name):
            return 'absent'
        if engine.dialect.name == 'mysql':
            conn.execute(sa.text(f'DROP DATABASE `{name}`'))
        else:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    return 'dropped'


def main(argv):
    commands = {'ping': (ping, 1), 'create': (create, 2), 'drop': (drop, 2)}
    if len(argv) < 2 or argv[1] not in commands \
            or len(argv) != commands[argv[1]][1] + 2:
        print(__doc__, file=sys.stderr)
        return 2
    func, _ = commands[argv[1]]
    args = argv[2:]
    if len(args) == 2 and not re.fullmatch(r'[A-Za-z0-9_]+', args[1]):
        print(f'dbadmin: bad database name {args[1]!r}', file=sys.stderr)
        return 2
    try:
        print(func(*args))
    except sa.exc.SQLAlchemyError as exc:
        reason = str(exc).splitlines()[0]
        print(f'dbadmin: {argv[1]} failed: {reason}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
