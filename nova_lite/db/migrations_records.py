"""SQL of the ``migrations`` table (moves of instances between hosts,
listed by the compute API's os-migrations and server migrations).
Named so it does not clash with the Alembic package
``nova_lite.db.migrations``. Rows leave as dicts of the
``models.Migration`` columns; deleted rows are never read.

The statuses of a live migration in progress are ``IN_PROGRESS``, as
Nova's.
"""
import uuid as uuidlib

import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import to_dict
from nova_lite.db.session import writer
from nova_lite import exception

#: Statuses of a live migration in progress (Nova's list).
IN_PROGRESS = ('queued', 'preparing', 'running', 'post-migrating')
LIVE_MIGRATION = 'live-migration'


def migration_create(context, values):
    """Insert a migration (``uuid`` made when absent); its dict."""
    values = dict(values)
    values.setdefault('uuid', str(uuidlib.uuid4()))
    with writer(context) as session:
        row = models.Migration(**values)
        session.add(row)
        session.flush()
        return to_dict(row)


def _filtered(query, filters):
    """``query`` narrowed by the os-migrations filters: ``status`` (one
    or a list), ``host`` (source or destination compute; else
    ``source_compute``), ``instance_uuid``, ``migration_type``,
    ``hidden``, ``user_id``, ``project_id``, ``changes_since`` /
    ``changes_before`` (``updated_at`` bounds, naive UTC)."""
    mig = models.Migration
    status = filters.get('status')
    if status is not None:
        status = [status] if isinstance(status, str) else list(status)
        query = query.where(mig.status.in_(status))
    if filters.get('host') is not None:
        query = query.where(sa.or_(mig.source_compute == filters['host'],
                                   mig.dest_compute == filters['host']))
    elif filters.get('source_compute') is not None:
        query = query.where(mig.source_compute == filters['source_compute'])
    for key in ('instance_uuid', 'migration_type', 'hidden', 'user_id',
                'project_id'):
        if filters.get(key) is not None:
            query = query.where(getattr(mig, key) == filters[key])
    if filters.get('changes_since') is not None:
        query = query.where(mig.updated_at >= filters['changes_since'])
    if filters.get('changes_before') is not None:
        query = query.where(mig.updated_at <= filters['changes_before'])
    return query


def migration_get_all(context, filters=None, limit=None, marker=None):
    """Live migrations matching ``filters`` (see ``_filtered``), newest
    first (``created_at``, then ``id``, descending); at most ``limit``,
    after the migration whose uuid is ``marker``.

    :raises: MarkerNotFound (400) for an unknown marker
    """
    mig = models.Migration
    query = _filtered(sa.select(mig).where(mig.deleted == 0),
                      filters or {})
    query = query.order_by(mig.created_at.desc(), mig.id.desc())
    with reader(context) as session:
        if marker is not None:
            last = session.scalars(sa.select(mig).where(
                mig.uuid == marker, mig.deleted == 0)).first()
            if last is None:
                raise exception.MarkerNotFound(marker=marker)
            query = query.where(sa.or_(
                mig.created_at < last.created_at,
                sa.and_(mig.created_at == last.created_at,
                        mig.id < last.id)))
        if limit is not None:
            query = query.limit(limit)
        return [to_dict(r) for r in session.scalars(query)]


def migration_get_in_progress_by_instance(context, instance_uuid,
                                          migration_type=None):
    """Migrations of an instance whose status is ``IN_PROGRESS``
    (optionally of one type), by id."""
    mig = models.Migration
    query = sa.select(mig).where(mig.deleted == 0,
                                 mig.instance_uuid == instance_uuid,
                                 mig.status.in_(IN_PROGRESS))
    if migration_type is not None:
        query = query.where(mig.migration_type == migration_type)
    with reader(context) as session:
        return [to_dict(r) for r in session.scalars(query.order_by(mig.id))]


def migration_get_by_id_and_instance(context, migration_id, instance_uuid):
    """The migration ``migration_id`` (int) of an instance.

    :raises: MigrationNotFoundForInstance (404)
    """
    mig = models.Migration
    with reader(context) as session:
        row = session.scalars(sa.select(mig).where(
            mig.deleted == 0, mig.id == migration_id,
            mig.instance_uuid == instance_uuid)).first()
        if row is None:
            raise exception.MigrationNotFoundForInstance(
                migration_id=migration_id, instance_id=instance_uuid)
        return to_dict(row)
