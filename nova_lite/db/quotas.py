"""SQL of quotas: limit overrides and the usage counts.

Three tables hold limits: ``quota_classes`` (the ``default`` class
overrides the ``[quota]`` defaults), ``quotas`` (a project's overrides)
and ``project_user_quotas`` (a user's overrides within a project).
``nova_lite.quota`` layers them: default class over ``[quota]``, project
over defaults, user over project.  Instances, cores and RAM are counted
by ``instance_usage`` (with the cloud's pending builds in the same
statement for server creates), for a project or one user in it.
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
_user_quota = models.ProjectUserQuota
_class = models.QuotaClass

#: The quota class whose limits are the defaults.
DEFAULT_CLASS = 'default'


def _upsert(session, model, where, values, limits):
    """Create or update the ``{resource: hard_limit}`` rows of ``model``
    matching ``where`` (columns ``values``)."""
    rows = {r.resource: r for r in session.scalars(
        sa.select(model).where(*where, model.resource.in_(list(limits))))}
    for resource, limit in limits.items():
        if resource in rows:
            rows[resource].hard_limit = limit
        else:
            session.add(model(resource=resource, hard_limit=limit,
                              **values))
    session.flush()


_retry_duplicate = oslo_db_api.wrap_db_retry(
    max_retries=5, retry_on_deadlock=True,
    exception_checker=lambda e: isinstance(e, db_exc.DBDuplicateEntry))


@_retry_duplicate
def quota_set(context, project_id, limits, user_id=None):
    """Create or update the project's (or, with ``user_id``, the user's
    within the project) overrides of ``limits`` (``{resource:
    hard_limit}``), in one transaction; a concurrent insert of the same
    row is retried as an update."""
    with writer(context) as session:
        if user_id is None:
            _upsert(session, _quota, [_quota.project_id == project_id],
                    {'project_id': project_id}, limits)
        else:
            _upsert(session, _user_quota,
                    [_user_quota.project_id == project_id,
                     _user_quota.user_id == user_id],
                    {'project_id': project_id, 'user_id': user_id}, limits)


@retry_on_deadlock
def quota_destroy_all(context, project_id, user_id=None):
    """Forget every override of the project and of its users (back to
    the defaults); with ``user_id`` only that user's (back to the
    project's limits)."""
    with writer(context) as session:
        users = sa.delete(_user_quota).where(
            _user_quota.project_id == project_id)
        if user_id is not None:
            session.execute(users.where(_user_quota.user_id == user_id))
            return
        session.execute(users)
        session.execute(sa.delete(_quota).where(
            _quota.project_id == project_id))


@retry_on_deadlock
def quota_delete(context, project_id, resources):
    """Forget the project's overrides of ``resources`` only."""
    with writer(context) as session:
        session.execute(sa.delete(_quota).where(
            _quota.project_id == project_id,
            _quota.resource.in_(list(resources))))


def user_quota_sums(context, project_id, exclude_user_id=None):
    """``{resource: sum of the users' limits}`` of the project's per-user
    overrides that are not unlimited (-1), leaving out
    ``exclude_user_id``'s."""
    query = sa.select(_user_quota.resource,
                      sa.func.sum(_user_quota.hard_limit)).where(
        _user_quota.project_id == project_id,
        _user_quota.hard_limit >= 0).group_by(_user_quota.resource)
    if exclude_user_id is not None:
        query = query.where(_user_quota.user_id != exclude_user_id)
    with reader(context) as session:
        return {resource: int(total)
                for resource, total in session.execute(query).all()}


def quota_class_get(context, class_name):
    """``{resource: hard_limit}`` of a quota class."""
    with reader(context) as session:
        return dict(session.execute(
            sa.select(_class.resource, _class.hard_limit).where(
                _class.class_name == class_name)).all())


@_retry_duplicate
def quota_class_set(context, class_name, limits):
    """Create or update the class's limits (``{resource: hard_limit}``)
    in one transaction."""
    with writer(context) as session:
        _upsert(session, _class, [_class.class_name == class_name],
                {'class_name': class_name}, limits)


def overrides(context, project_id, user_id=None):
    """The default class's, the project's and (with ``user_id``) the
    user's overrides, in one statement.

    :returns: ``(class, project, user)``, each ``{resource: hard_limit}``
    """
    with reader(context) as session:
        rows = session.execute(_overrides_query(),
                               {'project_id': project_id,
                                'user_id': user_id or ''}).all()
    return _split_overrides(rows)


def _split_overrides(rows):
    found = {'c': {}, 'p': {}, 'u': {}}
    for row in rows:
        if row.scope is not None:
            found[row.scope][row.resource] = row.hard_limit
    return found['c'], found['p'], found['u']


@functools.lru_cache(maxsize=None)
def _overrides_query():
    """``scope`` ('c' default class, 'p' project, 'u' user), resource,
    hard_limit of every override that applies, built once; bound
    parameters ``project_id`` and ``user_id`` ('' for none)."""
    def scoped(scope, model, *where):
        return sa.select(sa.literal(scope, sa.String(1)).label('scope'),
                         model.resource.label('resource'),
                         model.hard_limit.label('hard_limit')).where(*where)
    return sa.union_all(
        scoped('c', _class, _class.class_name == DEFAULT_CLASS),
        scoped('p', _quota, _quota.project_id == sa.bindparam('project_id')),
        scoped('u', _user_quota,
               _user_quota.project_id == sa.bindparam('project_id'),
               _user_quota.user_id == sa.bindparam('user_id')))


def server_group_count(context, project_id, user_id=None):
    """Number of live server groups of a project (with ``user_id``:
    those that user made in it)."""
    grp = models.InstanceGroup
    where = [grp.project_id == project_id, grp.deleted == 0]
    if user_id is not None:
        where.append(grp.user_id == user_id)
    with reader(context) as session:
        return int(session.scalar(sa.select(sa.func.count(grp.id)).where(
            *where)))


def key_pair_count(context, user_id):
    """Number of live key pairs of a user (key pairs are per user)."""
    kp = models.KeyPair
    with reader(context) as session:
        return int(session.scalar(sa.select(sa.func.count(kp.id)).where(
            kp.user_id == user_id, kp.deleted == 0)))


def instance_usage(context, project_id, with_building=False,
                   user_id=None):
    """Instances, cores and RAM (MiB) used by the project's live
    instances (with ``user_id``: those of that user in the project) and,
    with ``with_building``, the live instances in BUILD across the cloud
    (admission control), in one statement.

    :returns: ``(instances, cores, ram, building)``, ints; ``building``
        is None without ``with_building``
    """
    with reader(context) as session:
        row = session.execute(
            _usage_query(with_building, user_id is not None),
            {'project_id': project_id, 'user_id': user_id}).one()
    return _usage_tuple(row[:4])


def overrides_and_usage(context, project_id, user_id, with_building=False):
    """``overrides`` and the project's ``instance_usage`` in one
    statement: the usage row outer-joined with the override rows.

    :returns: (``(class, project, user)`` as ``overrides`` gives them,
        ``(instances, cores, ram, building)``)
    """
    with reader(context) as session:
        rows = session.execute(_overrides_and_usage_query(with_building),
                               {'project_id': project_id,
                                'user_id': user_id or ''}).all()
    return _split_overrides(rows), _usage_tuple(rows[0][:4])


def _usage_tuple(values):
    """(instances, cores, ram, building or None) of a usage row."""
    return tuple(None if value is None else int(value) for value in values)


@functools.lru_cache(maxsize=None)
def _usage_query(with_building, by_user=False):
    """The statement of ``instance_usage``, built once (building it, the
    aliased subquery most, cost more CPU than running it); bound
    parameters ``project_id`` and, ``by_user``, ``user_id``."""
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
    # SOFT_DELETED instances do not count (Nova's quota counting;
    # restoring one checks the quota again: doc/lifecycle.md).
    where = [inst.project_id == sa.bindparam('project_id'),
             inst.deleted == 0, inst.vm_state != 'soft-delete']
    if by_user:
        where.append(inst.user_id == sa.bindparam('user_id'))
    return sa.select(*columns).where(*where)


@functools.lru_cache(maxsize=None)
def _overrides_and_usage_query(with_building):
    """``usage LEFT OUTER JOIN overrides ON true``: one row per override
    (one with NULL scope when there is none), each carrying the four
    usage columns first; built once."""
    usage = _usage_query(with_building).subquery()
    found = _overrides_query().subquery()
    return sa.select(*usage.c, found.c.scope, found.c.resource,
                     found.c.hard_limit).select_from(
        usage.outerjoin(found, sa.true()))
