"""SQL of block storage quota usage (``volume_quota_usages``): claims by
conditional UPDATE, inside the caller's transaction.

A claim is ``UPDATE ... SET in_use = in_use + delta WHERE in_use +
delta <= limit`` (no WHERE on the limit when it is -1): the row lock it
takes serialises concurrent claims of one project on every backend, and
a lost race is a rowcount of 0, never an overcommit. The capacity of a
volume service host is claimed the same way, under the project id
``host:<host>`` (resource ``gigabytes``).
"""
from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import writer
from nova_lite.volume import errors

_USAGE = models.VolumeQuotaUsage


def host_key(host):
    """The usage ``project_id`` under which ``host``'s capacity is
    claimed."""
    return 'host:%s' % host


def ensure_rows(context, project_id, resources):
    """Create the zero usage rows of ``project_id`` that are missing (in
    their own transaction, so a claim always finds its row to lock)."""
    for resource in resources:
        try:
            with writer(context) as session:
                found = session.scalar(sa.select(_USAGE.id).where(
                    _USAGE.project_id == project_id,
                    _USAGE.resource == resource))
                if found is None:
                    session.add(_USAGE(project_id=project_id,
                                       resource=resource, in_use=0))
                    session.flush()
        except db_exc.DBDuplicateEntry:
            pass  # another claim created it first


def claim(session, project_id, deltas, limits):
    """Raise ``project_id``'s usage by ``deltas`` ({resource: int >= 0})
    within ``limits`` ({resource: int, -1 unlimited}), in ``session``'s
    transaction (rows from ``ensure_rows``).

    :raises: OverQuota naming the first resource over its limit
    """
    for resource, delta in sorted(deltas.items()):
        if not delta:
            continue
        limit = limits.get(resource, -1)
        query = sa.update(_USAGE).where(
            _USAGE.project_id == project_id, _USAGE.resource == resource)
        if limit >= 0:
            query = query.where(_USAGE.in_use + delta <= limit)
        result = session.execute(query.values(in_use=_USAGE.in_use + delta))
        if result.rowcount != 1:
            in_use = session.scalar(sa.select(_USAGE.in_use).where(
                _USAGE.project_id == project_id,
                _USAGE.resource == resource)) or 0
            raise errors.OverQuota(resource=resource, allowed=limit,
                                   requested=delta, in_use=in_use)


def release(session, project_id, deltas):
    """Lower ``project_id``'s usage by ``deltas`` (never below 0)."""
    for resource, delta in deltas.items():
        if not delta:
            continue
        session.execute(sa.update(_USAGE).where(
            _USAGE.project_id == project_id,
            _USAGE.resource == resource).values(
                in_use=sa.case((_USAGE.in_use > delta,
                                _USAGE.in_use - delta), else_=0)))


def usage(context, project_id):
    """``{resource: in_use}`` of ``project_id``."""
    from nova_lite.db.session import reader
    with reader(context) as session:
        return dict(session.execute(sa.select(
            _USAGE.resource, _USAGE.in_use).where(
                _USAGE.project_id == project_id)).all())
