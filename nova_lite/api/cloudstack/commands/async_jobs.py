"""Async job queries (CloudStack API reference, "Async job"):
queryAsyncJobResult and listAsyncJobs. Pending jobs are resolved when
they are read (``jobs.resolve``)."""
import datetime

from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import signing
from nova_lite.cloudstack import async_jobs as job_api
from nova_lite import exception


@command('queryAsyncJobResult', response_object='asyncjobs', params=(
    P.Parameter('jobid', P.UUID, required=True, description='the job ID'),
))
def query_async_job_result(request):
    """Retrieves the current status of an asynchronous job."""
    ctx, job_id = request.context, request.params['jobid']
    try:
        job = job_api.get(ctx, job_id, project_only=not ctx.is_admin)
    except exception.NotFound:
        raise errors.InvalidParameter(
            'Unable to execute API command queryasyncjobresult due to '
            'invalid value %s for parameter jobid: no such job'
            % job_id) from None
    return jobs.view(jobs.resolve(request, job))


def _since(request):
    value = request.params['startdate']
    if not value:
        return None
    try:
        parsed = signing.parse_expires(value)
    except (ValueError, OverflowError):
        raise errors.InvalidParameter(
            'Unable to execute API command listasyncjobs due to invalid '
            'value %s for parameter startdate: use yyyy-MM-ddTHH:mm:ssZ'
            % value[:40]) from None
    return parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)


@command('listAsyncJobs', response_object='asyncjobs', listing=True,
         params=(
             P.Parameter('startdate', description='jobs created since '
                         '(yyyy-MM-ddTHH:mm:ss+0000)'),
             P.Parameter('listall', P.BOOLEAN, 'true (admins): jobs of '
                         'every account'),
         ))
def list_async_jobs(request):
    """Lists the asynchronous jobs of the account."""
    ctx = request.context
    offset, limit = request.page()
    rows, total = job_api.get_all(
        ctx, project_only=not (ctx.is_admin and request.params['listall']),
        since=_since(request), offset=offset, limit=limit)
    resolved = [jobs.view(jobs.resolve(request, job)) for job in rows]
    return request_mod.listing(resolved, 'asyncjobs', total)
