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


def db_sync(version='heads'):
    """Upgrade the schema of ``[database] connection`` to ``version``.

    Two branches share the database: the main chain (0001, 0002, ...)
    and the block storage branch ``volume`` (v001, ...; its own base).
    ``heads`` (the default; ``head`` and None mean it too) upgrades
    both; a main-chain revision (``0004``) or ``volume@head`` upgrades
    one.
    """
    engine = db_session.get_engine()
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes['connection'] = connection
        alembic_command.upgrade(config, version if version not in (
            None, '', 'head') else 'heads')


def db_version():
    """The current Alembic revisions of the database, space-separated
    and sorted (the main chain's first, e.g. ``0023 v001``), or None if
    empty."""
    engine = db_session.get_engine()
    with engine.connect() as connection:
        heads = alembic_migration.MigrationContext.configure(
            connection).get_current_heads()
    return ' '.join(sorted(heads)) or None


def downgrade(version):
    """Downgrade the schema to ``version`` (tests of the migrations'
    downgrades; no ``nova-lite-manage`` command offers it)."""
    engine = db_session.get_engine()
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes['connection'] = connection
        alembic_command.downgrade(config, version)
