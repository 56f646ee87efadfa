"""SQL of volume attachments and volume snapshots (the rules are
``nova_lite.volume.api``'s). Rows leave as dicts; deleted rows are never
read.
"""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db import volume_quotas
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite.volume import errors

_ATT = models.VolumeAttachment
_SNAP = models.VolumeSnapshot
_VOL = models.Volume


def attachment_create(context, values, volume_status_from, volume_status_to):
    """Insert an attachment while moving its volume from one of
    ``volume_status_from`` to ``volume_status_to`` (one transaction).

    :raises: InvalidVolume when the volume's status did not match
    """
    with writer(context) as session:
        done = session.execute(sa.update(_VOL).where(
            _VOL.uuid == values['volume_uuid'], _VOL.deleted == 0,
            _VOL.status.in_(list(volume_status_from))).values(
                status=volume_status_to,
                status_updated_at=utcnow())).rowcount
        if not done:
            raise errors.InvalidVolume(reason='Volume status must be %s to '
                                       'reserve' % ' or '.join(
                                           volume_status_from))
        row = _ATT(**values)
        session.add(row)
        session.flush()
        return to_dict(row)


def attachment_get(context, uuid):
    """The live attachment ``uuid`` (of a volume of the caller's project
    unless admin).

    :raises: AttachmentNotFound
    """
    query = sa.select(_ATT).join(_VOL, _VOL.uuid == _ATT.volume_uuid).where(
        _ATT.uuid == uuid, _ATT.deleted == 0)
    if not context.is_admin:
        query = query.where(_VOL.project_id == context.project_id)
    with reader(context) as session:
        row = session.scalars(query).first()
        if row is None:
            raise errors.AttachmentNotFound(attachment_id=uuid)
        return to_dict(row)


def attachment_get_all(context, volume_uuid=None, instance_uuid=None,
                       all_projects=False, host=None, instance_uuids=None):
    """Live attachments, of the caller's project's volumes unless
    admin with ``all_projects``, narrowed by volume, instance (or the
    list ``instance_uuids``) or the volume's service ``host``."""
    query = sa.select(_ATT).join(_VOL, _VOL.uuid == _ATT.volume_uuid).where(
        _ATT.deleted == 0)
    if not (context.is_admin and all_projects):
        query = query.where(_VOL.project_id == context.project_id)
    if volume_uuid:
        query = query.where(_ATT.volume_uuid == volume_uuid)
    if instance_uuid:
        query = query.where(_ATT.instance_uuid == instance_uuid)
    if instance_uuids is not None:
        query = query.where(_ATT.instance_uuid.in_(list(instance_uuids)))
    if host:
        query = query.where(_VOL.host == host)
    with reader(context) as session:
        return [to_dict(r) for r in session.scalars(query.order_by(_ATT.id))]


@retry_on_deadlock
def attachment_update(context, uuid, values):
    """Set ``values`` on the live attachment; its dict.

    :raises: AttachmentNotFound
    """
    with writer(context) as session:
        row = session.scalars(sa.select(_ATT).where(
            _ATT.uuid == uuid, _ATT.deleted == 0)).first()
        if row is None:
            raise errors.AttachmentNotFound(attachment_id=uuid)
        for key, value in values.items():
            setattr(row, key, value)
        session.flush()
        return to_dict(row)


@retry_on_deadlock
def attachment_destroy(context, uuid, volume_values):
    """Soft-delete the attachment and set ``volume_values`` on its volume
    (``status`` → available when no other attachment is left, else
    in-use); one transaction. A no-op when already gone."""
    with writer(context) as session:
        row = session.scalars(sa.select(_ATT).where(
            _ATT.uuid == uuid, _ATT.deleted == 0)).first()
        if row is None:
            return
        row.deleted = row.id
        row.deleted_at = utcnow()
        row.detach_time = utcnow()
        row.attach_status = 'detached'
        session.flush()
        others = session.scalar(sa.select(sa.func.count(_ATT.id)).where(
            _ATT.volume_uuid == row.volume_uuid, _ATT.deleted == 0))
        values = dict(volume_values)
        values.setdefault('status', 'in-use' if others else 'available')
        values.setdefault('attach_status',
                          'attached' if others else 'detached')
        values['status_updated_at'] = utcnow()
        session.execute(sa.update(_VOL).where(
            _VOL.uuid == row.volume_uuid, _VOL.deleted == 0).values(**values))


def snapshot_create(context, values, quota_deltas, limits):
    """Insert a snapshot claiming ``quota_deltas`` of its project, while
    its volume is available or in-use; one transaction.

    :raises: OverQuota; InvalidVolume
    """
    volume_quotas.ensure_rows(context, values['project_id'], quota_deltas)
    with writer(context) as session:
        status = session.scalar(sa.select(_VOL.status).where(
            _VOL.uuid == values['volume_uuid'], _VOL.deleted == 0)
            .with_for_update())
        if status not in ('available', 'in-use'):
            raise errors.InvalidVolume(reason='Volume %s status must be '
                                       'available or in-use, not %s'
                                       % (values['volume_uuid'], status))
        volume_quotas.claim(session, values['project_id'], quota_deltas,
                            limits)
        row = _SNAP(status_updated_at=utcnow(), **values)
        session.add(row)
        session.flush()
        return to_dict(row)


def snapshot_get(context, uuid):
    """:raises: SnapshotNotFound"""
    query = sa.select(_SNAP).where(_SNAP.uuid == uuid, _SNAP.deleted == 0)
    if not context.is_admin:
        query = query.where(_SNAP.project_id == context.project_id)
    with reader(context) as session:
        row = session.scalars(query).first()
        if row is None:
            raise errors.SnapshotNotFound(snapshot_id=uuid)
        return to_dict(row)


def snapshot_get_all(context, volume_uuid=None, all_projects=False,
                     status=None):
    query = sa.select(_SNAP).where(_SNAP.deleted == 0)
    if not (context.is_admin and all_projects):
        query = query.where(_SNAP.project_id == context.project_id)
    if volume_uuid:
        query = query.where(_SNAP.volume_uuid == volume_uuid)
    if status:
        query = query.where(_SNAP.status == status)
    with reader(context) as session:
        return [to_dict(r) for r in session.scalars(
            query.order_by(_SNAP.created_at.desc(), _SNAP.id.desc()))]


@retry_on_deadlock
def snapshot_update(context, uuid, values, expected_status=None):
    """Conditional update like ``volumes.volume_update``.

    :raises: SnapshotNotFound; InvalidSnapshot
    """
    if 'status' in values:
        values = dict(values, status_updated_at=utcnow())
    query = sa.update(_SNAP).where(_SNAP.uuid == uuid, _SNAP.deleted == 0)
    if expected_status is not None:
        query = query.where(_SNAP.status.in_(list(expected_status)))
    with writer(context) as session:
        done = session.execute(query.values(**values)).rowcount
        row = session.scalars(sa.select(_SNAP).where(
            _SNAP.uuid == uuid, _SNAP.deleted == 0)).first()
        if row is None:
            raise errors.SnapshotNotFound(snapshot_id=uuid)
        if not done:
            raise errors.InvalidSnapshot(reason='status must be %s, not %s'
                                         % (' or '.join(expected_status),
                                            row.status))
        return to_dict(row)


@retry_on_deadlock
def snapshot_destroy(context, uuid):
    """Soft-delete and release its quota (snapshots 1, its GiB)."""
    with writer(context) as session:
        row = session.scalars(sa.select(_SNAP).where(
            _SNAP.uuid == uuid, _SNAP.deleted == 0)).first()
        if row is None:
            return
        row.deleted = row.id
        row.deleted_at = utcnow()
        volume_quotas.release(session, row.project_id, {
            'snapshots': 1, 'gigabytes': row.volume_size})


def snapshot_count_of_volume(context, volume_uuid):
    with reader(context) as session:
        return session.scalar(sa.select(sa.func.count(_SNAP.id)).where(
            _SNAP.volume_uuid == volume_uuid, _SNAP.deleted == 0))
