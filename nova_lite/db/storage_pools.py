"""SQL of storage pools (``storage_pools``, CloudStack's primary
storage; the rules are ``nova_lite.volume.pools``'). Pools leave as
dicts of their columns plus ``allocated_gb`` (GiB claimed by its
volumes, the usage row ``pool:<uuid>``) and ``volumes`` (how many live
volumes it holds).

A pool's allocation is claimed like a project's quota
(``nova_lite.db.volume_quotas``): one conditional UPDATE of the usage
row ``pool:<uuid>`` in the transaction that inserts the volume
(``nova_lite.db.volumes.volume_create``), limited to ``capacity_gb *
over_provisioning``.
"""
from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite.volume import errors

_POOL = models.StoragePool
_USAGE = models.VolumeQuotaUsage
_VOL = models.Volume

#: Columns ``pool_update`` may set.
UPDATABLE = ('name', 'capacity_gb', 'over_provisioning', 'state')


def usage_key(pool_uuid):
    """The usage ``project_id`` under which a pool's GiB are claimed."""
    return 'pool:%s' % pool_uuid


def limit_gb(pool):
    """GiB a pool may allocate: ``capacity_gb * over_provisioning``."""
    return int(pool['capacity_gb'] * pool['over_provisioning'])


def _with_usage(session, rows):
    keys = [usage_key(r.uuid) for r in rows]
    allocated = dict(session.execute(sa.select(
        _USAGE.project_id, _USAGE.in_use).where(
            _USAGE.project_id.in_(keys),
            _USAGE.resource == 'gigabytes')).all()) if keys else {}
    counts = dict(session.execute(sa.select(
        _VOL.pool_uuid, sa.func.count(_VOL.id)).where(
            _VOL.deleted == 0, _VOL.pool_uuid.in_([r.uuid for r in rows]))
        .group_by(_VOL.pool_uuid)).all()) if rows else {}
    return [dict(to_dict(r), allocated_gb=int(
        allocated.get(usage_key(r.uuid), 0)), volumes=counts.get(r.uuid, 0))
        for r in rows]


def pool_get_all(context):
    """Every live pool by id, with ``allocated_gb`` and ``volumes``;
    three SELECTs."""
    with reader(context) as session:
        rows = list(session.scalars(sa.select(_POOL).where(
            _POOL.deleted == 0).order_by(_POOL.id)))
        return _with_usage(session, rows)


def pool_get(context, pool_uuid):
    """:raises: StoragePoolNotFound (404)"""
    with reader(context) as session:
        row = session.scalars(sa.select(_POOL).where(
            _POOL.uuid == pool_uuid, _POOL.deleted == 0)).first()
        if row is None:
            raise errors.StoragePoolNotFound(pool_id=pool_uuid)
        return _with_usage(session, [row])[0]


@retry_on_deadlock
def pool_create(context, values):
    """Insert a pool (``values``: its columns).

    :raises: Conflict (409) when a live pool has its name
    """
    try:
        with writer(context) as session:
            row = _POOL(**values)
            session.add(row)
            session.flush()
            return dict(to_dict(row), allocated_gb=0, volumes=0)
    except db_exc.DBDuplicateEntry:
        raise errors.Conflict(reason='A storage pool named %s exists.'
                              % values['name']) from None


def pool_update(context, pool_uuid, values):
    """Set ``values`` (keys of ``UPDATABLE``) of a live pool.

    :raises: StoragePoolNotFound; Conflict for a taken name
    """
    try:
        with writer(context) as session:
            done = session.execute(sa.update(_POOL).where(
                _POOL.uuid == pool_uuid, _POOL.deleted == 0).values(
                    updated_at=utcnow(), **{k: v for k, v in values.items()
                                            if k in UPDATABLE})).rowcount
    except db_exc.DBDuplicateEntry:
        raise errors.Conflict(reason='A storage pool named %s exists.'
                              % values.get('name')) from None
    if not done:
        raise errors.StoragePoolNotFound(pool_id=pool_uuid)
    return pool_get(context, pool_uuid)


def pool_delete(context, pool_uuid):
    """Soft-delete a pool that holds no live volume.

    :raises: StoragePoolNotFound; Conflict (409) while it holds volumes
    """
    with writer(context) as session:
        row = session.scalars(sa.select(_POOL).where(
            _POOL.uuid == pool_uuid, _POOL.deleted == 0)).first()
        if row is None:
            raise errors.StoragePoolNotFound(pool_id=pool_uuid)
        held = session.scalar(sa.select(sa.func.count(_VOL.id)).where(
            _VOL.deleted == 0, _VOL.pool_uuid == pool_uuid))
        if held:
            raise errors.Conflict(reason='Storage pool %s holds %d volumes.'
                                  % (row.name, held))
        row.deleted = row.id
        row.deleted_at = utcnow()
