"""Async job queries (CloudStack API reference, "Async job"):
queryAsyncJobResult and listAsyncJobs. Pending jobs are resolved when
they are read (``jobs.resolve``)."""
import datetime

from nova_lite.api.cloudstack.commands import resource_limits
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


def _scope(request):
    """``(project_only, project_id)`` of the listing: the caller's
    account, every account (admins with ``listall``), or the account of
    ``account``/``projectid`` (``resource_limits``' rule: a project name
    in ``domainid``'s domain, by default the caller's).

    :raises: PermissionDenied (531) for another account than the
        caller's unless admin
    """
    params, ctx = request.params, request.context
    if params['account'] or params['projectid']:
        project = resource_limits.account_of(request)
        if project['id'] != ctx.project_id and not ctx.is_admin:
            raise errors.PermissionDenied(
                'Only administrators can list the jobs of another account')
        return False, project['id']
    return not (ctx.is_admin and params['listall']), None


@command('listAsyncJobs', response_object='asyncjobs', listing=True,
         params=(
             P.Parameter('startdate', description='jobs created since '
                         '(yyyy-MM-ddTHH:mm:ss+0000)'),
             P.Parameter('listall', P.BOOLEAN, 'true (admins): jobs of '
                         'every account'),
             P.Parameter('account', description='jobs of this account (a '
                         'project name, with domainid); another account '
                         'than the caller\'s needs an admin'),
             P.Parameter('domainid', description='the domain of account'),
             P.Parameter('projectid', description='jobs of this project'),
             P.Parameter('isrecursive', P.BOOLEAN, 'accepted'),
         ))
def list_async_jobs(request):
    """Lists the asynchronous jobs of the account, newest first;
    ``keyword`` keeps those whose command name holds it."""
    ctx = request.context
    offset, limit = request.page()
    project_only, project_id = _scope(request)
    rows, total = job_api.get_all(
        ctx, project_only=project_only, since=_since(request),
        offset=offset, limit=limit, project_id=project_id,
        command_contains=request.params['keyword'])
    resolved = [jobs.view(jobs.resolve(request, job)) for job in rows]
    return request_mod.listing(resolved, 'asyncjobs', total)
