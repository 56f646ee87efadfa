"""SQL of quotas: per-project limit overrides (the ``quotas`` table) and
the usage counts that are not instance sums.

A project's limit of a resource is its row in ``quotas`` when there is
one, else the ``[quota]`` default (``nova_lite.quota``).  Instances, cores
and RAM are counted by ``instance_usage`` (with the cloud's pending
builds in the same statement for server creates).
"""
import functools

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
import sqlalchemy as sa
from sqlalchemy import orm

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import writer

_quota = models.Quota


def quota_get_all(context, project_id):
    """``{resource: hard_limit}`` of the project's overrides."""
    with reader(context) as session:
        return dict(session.execute(
            sa.select(_quota.resource, _quota.hard_limit).where(
                _quota.project_id == project_id)).all())


@oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True,
                           exception_checker=lambda e: isinstance(
                               e, db_exc.DBDuplicateEntry))
def quota_set(context, project_id, limits):
    """Create or update the project's overrides of ``limits``
    (``{resource: hard_limit}``), in one transaction; a concurrent insert
    of the same row is retried as an update."""
    with writer(context) as session:
        rows = {r.resource: r for r in session.scalars(
            sa.select(_quota).where(_quota.project_id == project_id,
                                    _quota.resource.in_(list(limits))))}
        for resource, limit in limits.items():
            if resource in rows:
                rows[resource].hard_limit = limit
            else:
                session.add(_quota(project_id=project_id, resource=resource,
                                   hard_limit=limit))
        session.flush()


@retry_on_deadlock
def quota_destroy_all(context, project_id):
    """Forget every override of the project (back to the defaults)."""
    with writer(context) as session:
        session.execute(sa.delete(_quota).where(
            _quota.project_id == project_id))


def server_group_count(context, project_id):
    """Number of live server groups of a project."""
    grp = models.InstanceGroup
    with reader(context) as session:
        return int(session.scalar(sa.select(sa.func.count(grp.id)).where(
            grp.project_id == project_id, grp.deleted == 0)))


def key_pair_count(context, user_id):
    """Number of live key pairs of a user (key pairs are per user)."""
    kp = models.KeyPair
    with reader(context) as session:
        return int(session.scalar(sa.select(sa.func.count(kp.id)).where(
            kp.user_id == user_id, kp.deleted == 0)))


def instance_usage(context, project_id, with_building=False):
    """Instances, cores and RAM (MiB) used by the project's live
    instances and, with ``with_building``, the live instances in BUILD
    across the cloud (admission control), in one statement.

    :returns: ``(instances, cores, ram, building)``, ints; ``building``
        is None without ``with_building``
    """
    with reader(context) as session:
        row = session.execute(_usage_query(with_building),
                              {'project_id': project_id}).one()
    return _usage_tuple(row[:4])


def overrides_and_usage(context, project_id, with_building=False):
    """``quota_get_all`` and ``instance_usage`` in one statement: the
    usage row outer-joined with the project's override rows.

    :returns: (``{resource: hard_limit}``, ``(instances, cores, ram,
        building)``)
    """
    with reader(context) as session:
        rows = session.execute(_overrides_and_usage_query(with_building),
                               {'project_id': project_id}).all()
    overrides = {row.resource: row.hard_limit for row in rows
                 if row.resource is not None}
    return overrides, _usage_tuple(rows[0][:4])


def _usage_tuple(values):
    """(instances, cores, ram, building or None) of a usage row."""
    return tuple(None if value is None else int(value) for value in values)


@functools.lru_cache(maxsize=None)
def _usage_query(with_building):
    """The statement of ``instance_usage``, built once (building it, the
    aliased subquery most, cost more CPU than running it); bound
    parameter ``project_id``."""
    inst = models.Instance
    columns = [sa.func.count(inst.id),
               sa.func.coalesce(sa.func.sum(inst.vcpus), 0),
               sa.func.coalesce(sa.func.sum(inst.memory_mb), 0)]
    if with_building:
        # An alias, so that the subquery is not correlated with the
        # outer query of ``instances``.
        other = orm.aliased(models.Instance)
        columns.append(sa.select(sa.func.count(other.id)).where(
            other.vm_state == 'building',
            other.deleted == 0).scalar_subquery())
    else:
        columns.append(sa.null())
    return sa.select(*columns).where(
        inst.project_id == sa.bindparam('project_id'), inst.deleted == 0)


@functools.lru_cache(maxsize=None)
def _overrides_and_usage_query(with_building):
    """``usage LEFT OUTER JOIN quotas ON project_id``: one row per
    override (one with NULL resource when there is none), each carrying
    the four usage columns first; built once."""
    usage = _usage_query(with_building).subquery()
    return sa.select(*usage.c, _quota.resource, _quota.hard_limit) \
        .select_from(usage.outerjoin(
            _quota, _quota.project_id == sa.bindparam('project_id')))
