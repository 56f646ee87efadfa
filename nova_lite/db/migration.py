"""Schema migrations with Alembic (``nova-lite-manage db sync|version``)."""
import os

from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from alembic import migration as alembic_migration

from nova_lite.db import session as db_session

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), 'migrations')


def _alembic_config():
    config = AlembicConfig()
    config.set_main_option('script_location', MIGRATIONS_DIR)
    return config


def db_sync(version='head'):
    """Upgrade the schema of ``[database] connection`` to ``version``."""
    engine = db_session.get_engine()
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes['connection'] = connection
        alembic_command.upgrade(config, version or 'head')


def db_version():
    """The current Alembic revision of the database, or None if empty."""
    engine = db_session.get_engine()
    with engine.connect() as connection:
        return alembic_migration.MigrationContext.configure(
            connection).get_current_revision()


def downgrade(version):
    """Downgrade the schema to ``version`` (tests of the migrations'
    downgrades; no ``nova-lite-manage`` command offers it)."""
    engine = db_session.get_engine()
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes['connection'] = connection
        alembic_command.downgrade(config, version)
