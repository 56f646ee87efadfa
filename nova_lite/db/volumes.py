"""SQL of volumes and volume types (the rules are
``nova_lite.volume.api``'s). Rows leave as dicts of the columns;
deleted rows are never read. Status changes are conditional writes on
``status`` (a failed match raises ``InvalidVolume``, the caller's 400).
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

_VOL = models.Volume
_TYPE = models.VolumeType
DEFAULT_TYPE = '__DEFAULT__'

#: Columns a volume list may filter on by equality.
FILTERS = ('status', 'display_name', 'availability_zone', 'bootable',
           'project_id', 'uuid', 'volume_type_id', 'host', 'pool_uuid')
#: Columns a list may sort on.
SORT_KEYS = ('created_at', 'updated_at', 'id', 'uuid', 'display_name',
             'size', 'status')


def _capacity_key(host=None, pool=None):
    """The usage row a volume's GiB are claimed on: its pool's
    (``pool:<uuid>``) or, without a pool, its host's (``host:<host>``)."""
    if pool:
        return 'pool:%s' % pool
    return volume_quotas.host_key(host) if host else None


@retry_on_deadlock
def volume_create(context, values, quota_deltas, limits, host=None,
                  capacity_gb=None, pool=None):
    """Insert a volume (``values``: the columns) while claiming
    ``quota_deltas`` of its project within ``limits`` and
    ``values['size']`` GiB of its storage: of ``pool`` (a storage pool
    dict, ``nova_lite.db.storage_pools``: within ``capacity_gb *
    over_provisioning``; the volume goes to its host and records its
    uuid) or else of ``host``'s ``capacity_gb``; one transaction.

    :raises: OverQuota (413) when the project's claim does not fit, or
        the host's; PoolFull when the pool's does not
    """
    project_id = values['project_id']
    if pool is not None:
        host = pool['host']
        values = dict(values, pool_uuid=pool['uuid'])
        capacity_gb = int(pool['capacity_gb'] * pool['over_provisioning'])
    key = _capacity_key(host, pool and pool['uuid'])
    volume_quotas.ensure_rows(context, project_id, quota_deltas)
    if key is not None:
        volume_quotas.ensure_rows(context, key, ['gigabytes'])
    with writer(context) as session:
        volume_quotas.claim(session, project_id, quota_deltas, limits)
        if key is not None:
            try:
                volume_quotas.claim(session, key,
                                    {'gigabytes': values['size']},
                                    {'gigabytes': capacity_gb})
            except errors.OverQuota as exc:
                if pool is None:
                    raise
                raise PoolFull(pool=pool['name'],
                               in_use=exc.kwargs['in_use'],
                               limit=capacity_gb) from None
        row = _VOL(status_updated_at=utcnow(), host=host, **values)
        session.add(row)
        session.flush()
        return to_dict(row)


class PoolFull(errors.VolumeError):
    """A pool's allocation would pass ``capacity_gb *
    over_provisioning`` (the caller tries the next pool)."""
    msg_fmt = ('storage pool %(pool)s has %(in_use)s of %(limit)s GiB '
               'allocated')
    code = 413


def _scoped(query, context, model=_VOL):
    query = query.where(model.deleted == 0)
    if not context.is_admin:
        query = query.where(model.project_id == context.project_id)
    return query


def volume_get(context, uuid):
    """The live volume ``uuid`` (of the caller's project unless admin).

    :raises: VolumeNotFound
    """
    with reader(context) as session:
        row = session.scalars(_scoped(sa.select(_VOL).where(
            _VOL.uuid == uuid), context)).first()
        if row is None:
            raise errors.VolumeNotFound(volume_id=uuid)
        return to_dict(row)


def volume_get_all(context, filters=None, limit=None, marker=None,
                   sort=(('created_at', 'desc'),), all_projects=False):
    """Live volumes of the caller's project (every project for an admin
    with ``all_projects``), filtered by equality on ``FILTERS``,
    ``name~`` style partial names aside, sorted by ``sort`` [(key,
    'asc'|'desc')] then id, after the volume ``marker``, at most
    ``limit``.

    :raises: VolumeNotFound for an unknown ``marker``
    """
    query = sa.select(_VOL).where(_VOL.deleted == 0)
    if not (context.is_admin and all_projects):
        query = query.where(_VOL.project_id == context.project_id)
    for key, value in (filters or {}).items():
        query = query.where(getattr(_VOL, key) == value)
    order = [getattr(getattr(_VOL, k), d)() for k, d in sort]
    order.append(_VOL.id.desc() if sort and sort[0][1] == 'desc'
                 else _VOL.id.asc())
    with reader(context) as session:
        rows = [to_dict(r) for r in session.scalars(query.order_by(*order))]
    if marker is not None:
        index = [r['uuid'] for r in rows].index(marker) \
            if marker in [r['uuid'] for r in rows] else None
        if index is None:
            raise errors.VolumeNotFound(volume_id=marker)
        rows = rows[index + 1:]
    return rows[:limit] if limit is not None else rows


@retry_on_deadlock
def volume_update(context, uuid, values, expected_status=None):
    """Set ``values`` on the volume, only while its status is one of
    ``expected_status`` (a string or a sequence) when given; a status
    change stamps ``status_updated_at``.

    :returns: the updated volume's dict
    :raises: VolumeNotFound; InvalidVolume when the status did not match
    """
    if 'status' in values:
        values = dict(values, status_updated_at=utcnow())
    query = sa.update(_VOL).where(_VOL.uuid == uuid, _VOL.deleted == 0)
    if expected_status is not None:
        expected = [expected_status] if isinstance(expected_status, str) \
            else list(expected_status)
        query = query.where(_VOL.status.in_(expected))
    with writer(context) as session:
        done = session.execute(query.values(**values)).rowcount
        row = session.scalars(sa.select(_VOL).where(
            _VOL.uuid == uuid, _VOL.deleted == 0)).first()
        if row is None:
            raise errors.VolumeNotFound(volume_id=uuid)
        if not done:
            raise errors.InvalidVolume(reason='Volume %s status must be %s, '
                                       'not %s' % (uuid, ' or '.join(
                                           expected), row.status))
        return to_dict(row)


@retry_on_deadlock
def volume_extend(context, uuid, new_size, quota_limits):
    """Claim the added GiB (of the project, and of the volume's storage
    pool within its limit, or of its host) and mark the volume
    ``extending`` (from ``available``), one transaction.

    :raises: InvalidVolume, OverQuota; PoolFull when its pool has no
        room for the added GiB
    """
    vol = volume_get(context, uuid)
    delta = new_size - vol['size']
    volume_quotas.ensure_rows(context, vol['project_id'], ['gigabytes'])
    with writer(context) as session:
        done = session.execute(sa.update(_VOL).where(
            _VOL.uuid == uuid, _VOL.deleted == 0,
            _VOL.status == 'available', _VOL.size == vol['size']).values(
                status='extending', status_updated_at=utcnow())).rowcount
        if not done:
            raise errors.InvalidVolume(reason='Volume status must be '
                                       'available to extend')
        volume_quotas.claim(session, vol['project_id'],
                            {'gigabytes': delta}, quota_limits)
        if vol.get('pool_uuid'):
            _claim_pool(session, vol['pool_uuid'], delta)
        elif vol['host']:
            session.execute(sa.update(models.VolumeQuotaUsage).where(
                models.VolumeQuotaUsage.project_id ==
                volume_quotas.host_key(vol['host']),
                models.VolumeQuotaUsage.resource == 'gigabytes').values(
                    in_use=models.VolumeQuotaUsage.in_use + delta))
    return dict(vol, status='extending')


def _claim_pool(session, pool_uuid, delta):
    """Claim ``delta`` GiB of a pool within its capacity times its
    over-provisioning (no limit when the pool is gone).

    :raises: PoolFull
    """
    pool = session.scalars(sa.select(models.StoragePool).where(
        models.StoragePool.uuid == pool_uuid)).first()
    limit = int(pool.capacity_gb * pool.over_provisioning) if pool else -1
    try:
        volume_quotas.claim(session, _capacity_key(pool=pool_uuid),
                            {'gigabytes': delta}, {'gigabytes': limit})
    except errors.OverQuota as exc:
        raise PoolFull(pool=pool.name, in_use=exc.kwargs['in_use'],
                       limit=limit) from None


def volume_extend_failed(context, uuid, old_size, new_size):
    """Give back the GiB an extend claimed; the volume goes to error."""
    vol = volume_get(context, uuid)
    delta = new_size - old_size
    with writer(context) as session:
        volume_quotas.release(session, vol['project_id'],
                              {'gigabytes': delta})
        key = _capacity_key(vol['host'], vol.get('pool_uuid'))
        if key:
            volume_quotas.release(session, key, {'gigabytes': delta})
        session.execute(sa.update(_VOL).where(_VOL.uuid == uuid).values(
            status='error', status_updated_at=utcnow()))


@retry_on_deadlock
def volume_destroy(context, uuid):
    """Soft-delete the volume and release its quota (volumes 1, its
    GiB) and its host's capacity; a no-op when already gone."""
    with writer(context) as session:
        row = session.scalars(sa.select(_VOL).where(
            _VOL.uuid == uuid, _VOL.deleted == 0)).first()
        if row is None:
            return
        row.deleted = row.id
        row.deleted_at = utcnow()
        volume_quotas.release(session, row.project_id,
                              {'volumes': 1, 'gigabytes': row.size})
        key = _capacity_key(row.host, row.pool_uuid)
        if key:
            volume_quotas.release(session, key, {'gigabytes': row.size})


def volumes_stuck(context, statuses, before):
    """Live volumes in ``statuses`` whose status is older than
    ``before`` (naive UTC), every project."""
    with reader(context) as session:
        return [to_dict(r) for r in session.scalars(sa.select(_VOL).where(
            _VOL.deleted == 0, _VOL.status.in_(list(statuses)),
            _VOL.status_updated_at < before))]


def volumes_of_host(context, host):
    """Live volumes held by the volume service ``host``."""
    with reader(context) as session:
        return [to_dict(r) for r in session.scalars(sa.select(_VOL).where(
            _VOL.deleted == 0, _VOL.host == host))]


def volume_type_get(context, type_id_or_name):
    """The live type with that uuid or name.

    :raises: VolumeTypeNotFound
    """
    with reader(context) as session:
        row = session.scalars(sa.select(_TYPE).where(
            _TYPE.deleted == 0, sa.or_(
                _TYPE.uuid == type_id_or_name,
                _TYPE.name == type_id_or_name))).first()
        if row is None:
            raise errors.VolumeTypeNotFound(volume_type_id=type_id_or_name)
        return to_dict(row)


def volume_type_get_all(context):
    with reader(context) as session:
        return [to_dict(r) for r in session.scalars(sa.select(_TYPE).where(
            _TYPE.deleted == 0).order_by(_TYPE.id))]


def volume_type_create(context, values):
    """Insert a type; ``Conflict`` (409) when the name is taken."""
    with writer(context) as session:
        if session.scalar(sa.select(_TYPE.id).where(
                _TYPE.deleted == 0, _TYPE.name == values['name'])):
            raise errors.Conflict(reason='Volume Type %s already exists.'
                                  % values['name'])
        row = _TYPE(**values)
        session.add(row)
        session.flush()
        return to_dict(row)


def volume_type_destroy(context, type_id):
    """Soft-delete a type unused by live volumes (else InvalidVolume
    400, as Cinder's VolumeTypeInUse)."""
    vtype = volume_type_get(context, type_id)
    with writer(context) as session:
        if session.scalar(sa.select(_VOL.id).where(
                _VOL.deleted == 0, _VOL.volume_type_id == vtype['uuid'])):
            raise errors.Invalid(reason='Volume Type %s deletion is not '
                                 'allowed with volumes present with the '
                                 'type.' % vtype['uuid'])
        session.execute(sa.update(_TYPE).where(_TYPE.id == vtype['id'])
                        .values(deleted=vtype['id'], deleted_at=utcnow()))
