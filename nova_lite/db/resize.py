"""SQL of resizes: their ``migrations`` rows and the claims they move.

A resize is a ``migrations`` row (``migration_type`` 'resize') whose
``old_flavor``/``new_flavor`` hold the flavors as JSON objects. While it
runs, two allocations exist (``nova_lite.db.claims``): the instance's own
(consumer: the instance uuid) on the source node with the old flavor,
and the migration's (consumer: the migration uuid) on the destination
node with the new flavor, as Nova's placement keeps migration
allocations. A confirm drops the first and hands the second to the
instance; a revert (or a failure) drops the second. Units: MiB, GiB.

Statuses (Nova's): pre-migrating (accepted by the API), migrating (the
source compute is moving the disk), post-migrating (the destination is
finishing), finished (the server is RESIZED), confirming → confirmed,
reverting → reverted, error.
"""
import sqlalchemy as sa

from nova_lite.db import claims as claim_db
from nova_lite.db import instances as instance_db
from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception

RESIZE = 'resize'
#: A cold migration: a resize to the same flavor on another host
#: (doc/migrations-servers.md); it follows every resize rule below.
MIGRATION = 'migration'
#: The migration types that move an instance as a resize does.
RESIZE_TYPES = (RESIZE, MIGRATION)
#: An evacuation: a rebuild on another host while the source compute is
#: down (doc/migrations-servers.md).
EVACUATION = 'evacuation'
#: Statuses of an evacuation that holds a destination claim.
EVACUATING = ('accepted', 'pre-migrating')
#: A live migration (doc/migrations-servers.md, "Live migration").
LIVE_MIGRATION = 'live-migration'
#: Statuses of a live migration that is not over (it may hold a
#: destination claim): accepted by the API, then Nova's in-progress ones.
LIVE_OPEN = ('accepted', 'queued', 'preparing', 'running',
             'post-migrating')
#: Statuses of a resize that is not over yet (it holds a destination
#: claim or waits for its confirmation).
OPEN = ('pre-migrating', 'migrating', 'post-migrating', 'finished',
        'confirming', 'reverting')
#: The instance columns a flavor sets, by flavor key.
FLAVOR_COLUMNS = (('flavorid', 'flavor_id'), ('name', 'flavor_name'),
                  ('vcpus', 'vcpus'), ('memory_mb', 'memory_mb'),
                  ('root_gb', 'root_gb'), ('ephemeral_gb', 'ephemeral_gb'),
                  ('swap', 'flavor_swap'),
                  ('extra_specs', 'flavor_extra_specs'))


def migration_get(context, migration_uuid):
    """The migration ``migration_uuid`` as a dict.

    :raises: MigrationNotFound
    """
    mig = models.Migration
    with reader(context) as session:
        row = session.scalars(sa.select(mig).where(
            mig.uuid == migration_uuid, mig.deleted == 0)).first()
        if row is None:
            raise exception.MigrationNotFound(migration_id=migration_uuid)
        return to_dict(row)


@retry_on_deadlock
def migration_update(context, migration_uuid, values, expected_status=None):
    """Write ``values`` to the migration if its status is
    ``expected_status`` (a str or tuple; None: any); True when it was."""
    mig = models.Migration
    stmt = sa.update(mig).where(mig.uuid == migration_uuid,
                                mig.deleted == 0)
    if expected_status is not None:
        if isinstance(expected_status, str):
            expected_status = (expected_status,)
        stmt = stmt.where(mig.status.in_(expected_status))
    with writer(context) as session:
        return session.execute(
            stmt.values(dict(values, updated_at=utcnow()))
            .execution_options(synchronize_session=False)).rowcount == 1


@retry_on_deadlock
def fail_move(context, instance_uuid, migration_uuid, values, fault,
              expected_task_state, migration_values, expected_status=None):
    """A failed move in one transaction: the conditional instance write
    ``values`` with its ``fault`` (``instances.instance_update``), the
    release of the migration's destination claim and ``migration_values``
    written to the migration (when its status is ``expected_status``), so
    that nobody reads the server's ERROR beside a migration still in
    flight. Returns True when the migration row was written too.

    :raises: InstanceNotFound, UnexpectedTaskStateError (nothing is
        written then)
    """
    with writer(context) as session:
        instance_db.instance_update(context, instance_uuid, values,
                                    fault=fault,
                                    expected_task_state=expected_task_state)
        claim_db.release_in_session(session, migration_uuid)
        return migration_update(context, migration_uuid, migration_values,
                                expected_status)


@retry_on_deadlock
def finish_move(context, instance_uuid, migration_uuid, values,
                expected_task_state, migration_values):
    """A finished move in one transaction: the conditional instance write
    ``values``, the claims handed over (``confirm_claims``) and
    ``migration_values`` written to the migration, so that nobody reads
    the server settled on its new host beside a migration still in
    flight.

    :raises: InstanceNotFound, UnexpectedTaskStateError (nothing is
        written then)
    """
    with writer(context):
        instance_db.instance_update(context, instance_uuid, values,
                                    expected_task_state=expected_task_state)
        confirm_claims(context, instance_uuid, migration_uuid)
        migration_update(context, migration_uuid, migration_values)


def migration_progress(context, migration_uuid, values):
    """Write the progress ``values`` (``memory_processed`` ...,
    bytes) of a 'running' live migration unless it would go backwards
    (a late report); True when written."""
    mig = models.Migration
    stmt = sa.update(mig).where(mig.uuid == migration_uuid,
                                mig.deleted == 0, mig.status == 'running')
    for key in ('memory_processed', 'disk_processed'):
        if key in values:
            column = getattr(mig, key)
            stmt = stmt.where(sa.func.coalesce(column, 0) <= values[key])
    with writer(context) as session:
        return session.execute(
            stmt.values(dict(values, updated_at=utcnow()))
            .execution_options(synchronize_session=False)).rowcount == 1


def open_resize(context, instance_uuid):
    """The newest resize or cold migration of the instance that is not
    over (status in ``OPEN``), as a dict, or None."""
    mig = models.Migration
    with reader(context) as session:
        row = session.scalars(sa.select(mig).where(
            mig.deleted == 0, mig.instance_uuid == instance_uuid,
            mig.migration_type.in_(RESIZE_TYPES), mig.status.in_(OPEN))
            .order_by(mig.id.desc())).first()
        return to_dict(row) if row is not None else None


def open_live_migration(context, instance_uuid):
    """The newest live migration of the instance that is not over
    (status in ``LIVE_OPEN``), as a dict, or None."""
    mig = models.Migration
    with reader(context) as session:
        row = session.scalars(sa.select(mig).where(
            mig.deleted == 0, mig.instance_uuid == instance_uuid,
            mig.migration_type == LIVE_MIGRATION,
            mig.status.in_(LIVE_OPEN)).order_by(mig.id.desc())).first()
        return to_dict(row) if row is not None else None


def resizes_in_status(context, status, older_than):
    """Resizes in ``status`` not updated since ``older_than`` (naive
    UTC), oldest first; dicts."""
    mig = models.Migration
    with reader(context) as session:
        return [to_dict(r) for r in session.scalars(sa.select(mig).where(
            mig.deleted == 0, mig.migration_type.in_(RESIZE_TYPES),
            mig.status == status,
            sa.func.coalesce(mig.updated_at, mig.created_at) < older_than)
            .order_by(mig.id))]


@retry_on_deadlock
def confirm_claims(context, instance_uuid, migration_uuid):
    """The claims of a confirmed resize, in one transaction: release the
    instance's (source) allocation and give the migration's (destination)
    allocation to the instance. Repeat-safe: once done, nothing changes.

    :returns: True when the destination claim was handed over now
    """
    alloc = models.Allocation
    with writer(context) as session:
        moved = session.scalars(sa.select(alloc).filter_by(
            instance_uuid=migration_uuid).with_for_update()).first()
        if moved is None:
            return False
        source = session.scalars(sa.select(alloc).filter_by(
            instance_uuid=instance_uuid).with_for_update()).first()
        if source is not None:
            claim_db._release_allocation(session, source)
        moved.instance_uuid = instance_uuid
        return True


def drop_claim(context, migration_uuid):
    """Release the destination claim of a resize (revert, failure);
    True when there was one. Idempotent."""
    return claim_db.unclaim(context, migration_uuid)


def drop_open_claims(context, instance_uuid):
    """Release the destination claims of every resize (or evacuation)
    of the instance that is not over (the instance is being deleted);
    their migrations become 'error'. Returns how many claims were
    released."""
    mig = models.Migration
    with reader(context) as session:
        uuids = list(session.scalars(sa.select(mig.uuid).where(
            mig.deleted == 0, mig.instance_uuid == instance_uuid,
            sa.or_(sa.and_(mig.migration_type.in_(RESIZE_TYPES),
                           mig.status.in_(OPEN)),
                   sa.and_(mig.migration_type == EVACUATION,
                           mig.status.in_(EVACUATING)),
                   sa.and_(mig.migration_type == LIVE_MIGRATION,
                           mig.status.in_(LIVE_OPEN))))))
    released = 0
    for uuid in uuids:
        released += bool(claim_db.unclaim(context, uuid))
        migration_update(context, uuid, {'status': 'error'},
                         expected_status=OPEN + EVACUATING + LIVE_OPEN)
    return released


def flavor_values(flavor):
    """The instance columns of ``flavor`` (a dict of ``FLAVOR_COLUMNS``'
    keys; ``extra_specs`` already JSON text)."""
    return {column: flavor[key] for key, column in FLAVOR_COLUMNS
            if key in flavor}


def evacuations(context, status, source_compute=None, older_than=None,
                migration_type=EVACUATION):
    """Evacuations (dicts; live migrations with ``migration_type``
    ``LIVE_MIGRATION``) in ``status`` (a str or tuple), of
    ``source_compute`` when given, not updated since ``older_than``
    (naive UTC) when given; oldest first."""
    mig = models.Migration
    if isinstance(status, str):
        status = (status,)
    stmt = sa.select(mig).where(mig.deleted == 0,
                                mig.migration_type == migration_type,
                                mig.status.in_(status))
    if source_compute is not None:
        stmt = stmt.where(mig.source_compute == source_compute)
    if older_than is not None:
        stmt = stmt.where(sa.func.coalesce(mig.updated_at, mig.created_at)
                          < older_than)
    with reader(context) as session:
        return [to_dict(r) for r in session.scalars(stmt.order_by(mig.id))]
