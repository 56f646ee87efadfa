"""SQL of the CloudStack API's async jobs (``async_jobs``;
``queryAsyncJobResult``, ``listAsyncJobs``).

Jobs are dicts of the ``models.AsyncJob`` columns: uuid, command, user_id,
project_id, instance_uuid, resource_type, expected_state, status (0
pending, 1 succeeded, 2 failed), result_code, result (JSON object),
created_at, completed_at. Times are naive UTC.
"""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception

def async_job_create(context, values):
    """Record a CloudStack async job (``queryAsyncJobResult``); returns its
    dict. ``values``: uuid, command, user_id, project_id, instance_uuid,
    resource_type, expected_state, and for a job done at once status
    (1 succeeded, 2 failed), result_code and result (JSON object)."""
    values = dict(values)
    if values.get('status'):
        values.setdefault('completed_at', utcnow())
    with writer(context) as session:
        row = models.AsyncJob(**values)
        session.add(row)
        session.flush()
        return to_dict(row)


def _async_job_query(context, project_only):
    query = sa.select(models.AsyncJob)
    if project_only or not context.is_admin:
        query = query.where(models.AsyncJob.project_id == context.project_id)
    return query


def async_job_get(context, job_uuid, project_only=True):
    """The job dict of ``job_uuid`` (of the context's project unless an
    admin asks with ``project_only=False``).

    :raises: NotFound
    """
    with reader(context) as session:
        row = session.scalars(_async_job_query(context, project_only).where(
            models.AsyncJob.uuid == job_uuid)).first()
        if row is None:
            raise exception.NotFound('Async job %s could not be found.'
                                     % job_uuid)
        return to_dict(row)


def async_job_get_all(context, project_only=True, user_id=None, since=None,
                      offset=0, limit=None, project_id=None,
                      command_contains=None):
    """``(jobs, total)``: job dicts newest first, a page of ``limit`` from
    ``offset``, and the number of matching jobs; ``since`` (naive UTC)
    keeps jobs created at or after it, ``project_id`` those of one
    project (an admin's query), ``command_contains`` those whose command
    name holds it (any case)."""
    job = models.AsyncJob
    query = _async_job_query(context, project_only)
    if user_id is not None:
        query = query.where(job.user_id == user_id)
    if since is not None:
        query = query.where(job.created_at >= since)
    if project_id is not None:
        query = query.where(job.project_id == project_id)
    if command_contains:
        query = query.where(sa.func.lower(job.command).contains(
            command_contains.lower(), autoescape=True))
    with reader(context) as session:
        total = session.scalar(sa.select(sa.func.count()).select_from(
            query.subquery()))
        query = query.order_by(job.created_at.desc(), job.id.desc())
        rows = session.scalars(query.offset(offset).limit(limit))
        return [to_dict(r) for r in rows], int(total)


@retry_on_deadlock
def async_job_finish(context, job_uuid, status, result_code, result):
    """Complete a pending job (status 1 succeeded / 2 failed) with its
    result object. Conditional on the job being pending, so concurrent
    pollers resolve it once.

    :returns: True when this call completed it
    """
    job = models.AsyncJob
    with writer(context) as session:
        return session.execute(
            sa.update(job).where(job.uuid == job_uuid, job.status == 0)
            .values(status=status, result_code=result_code, result=result,
                    completed_at=utcnow(), updated_at=utcnow())
            .execution_options(synchronize_session=False)).rowcount == 1
