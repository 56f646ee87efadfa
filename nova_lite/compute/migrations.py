"""API-side reads of migrations (moves of instances between hosts) for
the compute API's os-migrations and server migrations; the SQL is
``nova_lite.db.migrations_records``'s: resizes, cold and live
migrations and evacuations (doc/migrations-servers.md)."""
from nova_lite.db import migrations_records as migration_db
from nova_lite import exception

IN_PROGRESS = migration_db.IN_PROGRESS
LIVE_MIGRATION = migration_db.LIVE_MIGRATION


def get_all(context, filters=None, limit=None, marker=None):
    """Migrations (dicts) matching ``filters``, hidden ones left out,
    newest first; paged by ``limit`` and ``marker`` (a migration uuid).

    :raises: MarkerNotFound (400)
    """
    rows = migration_db.migration_get_all(context, filters, limit=limit,
                                          marker=marker)
    return [row for row in rows if not row['hidden']]


def in_progress_live_migrations(context, instance_uuid):
    """The in-progress live migrations of a server (the caller has
    read the server: ``compute.api.API.get``)."""
    return migration_db.migration_get_in_progress_by_instance(
        context, instance_uuid, LIVE_MIGRATION)


def in_progress_live_migration(context, instance_uuid, migration_id):
    """One in-progress live migration of a server.

    :param migration_id: the id from the URL (str)
    :raises: MigrationNotFoundForInstance (404: unknown, not a live
        migration, or not in progress)
    """
    try:
        number = int(migration_id)
    except ValueError:
        raise exception.MigrationNotFoundForInstance(
            migration_id=migration_id[:64], instance_id=instance_uuid) \
            from None
    row = migration_db.migration_get_by_id_and_instance(
        context, number, instance_uuid)
    if row['migration_type'] != LIVE_MIGRATION or \
            row['status'] not in IN_PROGRESS:
        raise exception.MigrationNotFoundForInstance(
            migration_id=number, instance_id=instance_uuid)
    return row
