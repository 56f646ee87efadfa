"""CloudStack async jobs (CloudStack API reference, "Asynchronous
commands"): a job records a command whose work the engine does later,
and the client polls it (``queryAsyncJobResult``).

A job is a dict of the ``async_jobs`` columns: ``uuid``, ``command``,
``user_id``, ``project_id``, ``instance_uuid``, ``resource_type``,
``expected_state``, ``status`` (0 pending, 1 succeeded, 2 failed),
``result_code``, ``result`` (a JSON object), ``created_at`` and
``completed_at`` (naive UTC). How a pending job is resolved from its
instance is the API's business (``nova_lite.api.cloudstack.jobs``).
"""
import uuid as uuidlib

from nova_lite.db import async_jobs as job_db

PENDING, SUCCEEDED, FAILED = 0, 1, 2


def create(context, command, instance_uuid=None, expected_state=None,
           resource_type='VirtualMachine', result=None):
    """Record a job of ``command`` for the caller; with ``result`` (a
    JSON object) the job is done at once (status 1, result code 0).
    Returns the job dict."""
    values = {'uuid': str(uuidlib.uuid4()), 'command': command,
              'user_id': context.user_id, 'project_id': context.project_id,
              'instance_uuid': instance_uuid, 'resource_type': resource_type,
              'expected_state': expected_state}
    if result is not None:
        values.update(status=SUCCEEDED, result_code=0, result=result)
    return job_db.async_job_create(context, values)


def get(context, job_uuid, project_only=True):
    """The job of the caller's project (any project's for an admin with
    ``project_only=False``).

    :raises: NotFound
    """
    return job_db.async_job_get(context, job_uuid, project_only=project_only)


def get_all(context, project_only=True, since=None, offset=0, limit=None,
            project_id=None, command_contains=None):
    """``(jobs, total)``: jobs newest first, a page of ``limit`` (all when
    None) from ``offset``, and how many match; ``since`` (naive UTC)
    keeps jobs created at or after it, ``project_id`` those of one
    project, ``command_contains`` those whose command holds it."""
    return job_db.async_job_get_all(
        context, project_only=project_only, since=since, offset=offset,
        limit=limit, project_id=project_id,
        command_contains=command_contains)


def finish(context, job_uuid, status, result_code, result):
    """Complete a pending job (a conditional write: pending → done, so
    that two pollers complete it once); returns True when this call did.
    """
    return job_db.async_job_finish(context, job_uuid, status, result_code,
                                   result)
