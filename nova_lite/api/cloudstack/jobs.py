"""CloudStack async jobs over the engine's own state.

An async command (deployVirtualMachine, start/stop/reboot/
destroyVirtualMachine, ...) starts its work through
``nova_lite.compute.api.API`` and records an ``async_jobs`` row; the
client gets its ``jobid`` at once and polls ``queryAsyncJobResult``
(CloudStack API reference, "Asynchronous commands"). No service runs the
jobs: a pending job (status 0) is resolved when it is polled, by looking
at its instance, the database being the source of truth:

* deploy: ACTIVE with no task → 1 with the VM object (with
  ``startvm=false`` the job then stops the VM and completes when it is
  STOPPED); ERROR → 2 with the instance fault (e.g. NoValidHost's
  "No valid host was found. ...") as errortext;
* start/stop/reboot: the instance action of the command has finished →
  1 with the VM object, or 2 when the action failed;
* destroy: the instance is gone → 1 with its last VM object.

Completion is a conditional write (pending → done), so two pollers
resolve a job once. Status: 0 pending, 1 succeeded, 2 failed. The
records are kept by ``nova_lite.cloudstack.async_jobs``.
"""
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import views
from nova_lite.api.cloudstack import vm_views
from nova_lite.cloudstack import async_jobs as job_api
from nova_lite.compute import instance_actions as action_api
from nova_lite.compute import states
from nova_lite import exception

PENDING, SUCCEEDED, FAILED = (job_api.PENDING, job_api.SUCCEEDED,
                              job_api.FAILED)
VM = 'VirtualMachine'


def create(request, instance_uuid=None, expected_state=None,
           resource_type=VM, result=None):
    """Record a job of the request's command; with ``result`` the job is
    done at once (status 1). Returns the job dict."""
    return job_api.create(request.context, request.command.name,
                          instance_uuid=instance_uuid,
                          expected_state=expected_state,
                          resource_type=resource_type, result=result)


def _succeeded(result):
    return SUCCEEDED, 0, result


def _failed(text):
    return FAILED, errors.INTERNAL_ERROR, {
        'errorcode': errors.INTERNAL_ERROR, 'errortext': text}


def _live_instance(request, job):
    try:
        return request.compute_api.get(request.context,
                                       job['instance_uuid'])
    except exception.InstanceNotFound:
        return None


def _vm_result(request, instance, state=None):
    view = vm_views.VirtualMachineViews.load(request, [instance])
    return {'virtualmachine': view.render(instance, state)}


def _error_text(instance, what):
    fault = getattr(instance, 'fault', None)
    message = fault.message if fault is not None and fault.message else \
        'the virtual machine is in error state'
    return 'Failed to %s virtual machine %s: %s' % (what, instance.uuid,
                                                    message)


def _resolve_deploy(request, job):
    instance = _live_instance(request, job)
    if instance is None:
        return _failed('Virtual machine %s was destroyed before it '
                       'started.' % job['instance_uuid'])
    if instance.vm_state == states.ERROR:
        return _failed(_error_text(instance, 'deploy'))
    if instance.task_state is not None:
        return None
    if job['expected_state'] == 'Stopped':
        if instance.vm_state == states.STOPPED:
            return _succeeded(_vm_result(request, instance))
        if instance.vm_state == states.ACTIVE:
            try:
                request.compute_api.stop(request.context, instance.uuid)
            except exception.Conflict:
                pass
        return None
    if instance.vm_state == states.ACTIVE:
        return _succeeded(_vm_result(request, instance))
    return None


def _latest_action(request, job, action):
    """The newest ``action`` of the job's instance started no later than
    the job (the one its command started), or None."""
    return action_api.latest(request.context, job['instance_uuid'], action,
                             job['created_at'])


def _action_resolver(action, done_vm_state):
    def resolve(request, job):
        # The action first: the compute's conductor writes the instance's
        # state and then finishes the action, so an instance read after a
        # finished action has that action's state (read before it, it
        # could still be Starting while the action already looked done).
        act = _latest_action(request, job, action)
        instance = _live_instance(request, job)
        if instance is None:
            return _failed('Virtual machine %s was destroyed.'
                           % job['instance_uuid'])
        if act is None or act.finish_time is None:
            if instance.vm_state == states.ERROR:
                return _failed(_error_text(instance, action))
            return None
        if act.message == 'Error' or instance.vm_state != done_vm_state:
            return _failed('Failed to %s virtual machine %s: the %s action '
                           'failed on its host; the virtual machine is %s.'
                           % (action, instance.uuid, action,
                              views.vm_state(instance.vm_state,
                                             instance.task_state)))
        return _succeeded(_vm_result(request, instance))
    return resolve


def _resolve_destroy(request, job):
    instance = _live_instance(request, job)
    if instance is not None and instance.vm_state == states.SOFT_DELETED \
            and instance.task_state is None:
        # Destroyed, kept for [cloudstack] expunge_delay (lifecycle.md).
        return _succeeded(_vm_result(request, instance))
    if instance is not None:
        if instance.task_state is None and instance.vm_state != \
                states.BUILDING:
            return _failed('Failed to destroy virtual machine %s; it is %s.'
                           % (instance.uuid, views.vm_state(
                               instance.vm_state, instance.task_state)))
        return None
    ctx = request.context.elevated()
    ctx.read_deleted = 'yes'
    try:
        gone = request.compute_api.get(ctx, job['instance_uuid'])
    except exception.InstanceNotFound:
        return _succeeded({})
    return _succeeded(_vm_result(request, gone,
                                 job['expected_state'] or 'Destroyed'))


def _resolve_expunge(request, job):
    """expungeVirtualMachine: done when the instance is gone."""
    instance = _live_instance(request, job)
    if instance is None:
        return _succeeded({'success': True})
    if instance.task_state is None:
        return _failed('Failed to expunge virtual machine %s; it is %s.'
                       % (instance.uuid, views.vm_state(
                           instance.vm_state, instance.task_state)))
    return None


_RESOLVERS = {
    'deployvirtualmachine': _resolve_deploy,
    'startvirtualmachine': _action_resolver('start', states.ACTIVE),
    'stopvirtualmachine': _action_resolver('stop', states.STOPPED),
    'rebootvirtualmachine': _action_resolver('reboot', states.ACTIVE),
    'destroyvirtualmachine': _resolve_destroy,
    'expungevirtualmachine': _resolve_expunge,
}


def register_resolver(command, resolver, on_finish=None):
    """Resolve the pending jobs of ``command`` (any case) with
    ``resolver(request, job)``, which answers None (still pending) or
    (status, result code, result): for command modules of other areas
    (e.g. ``commands.vm_images``, ``commands.vm_scale``).
    ``on_finish(request, job, status)``, when given, runs once for the
    job, by the request whose write completed it (e.g. to record an
    event)."""
    _RESOLVERS[command.lower()] = resolver
    if on_finish is not None:
        _ON_FINISH[command.lower()] = on_finish
    else:
        _ON_FINISH.pop(command.lower(), None)


_ON_FINISH = {}


def resolve(request, job):
    """The job, completed first if it is pending and its instance has
    reached a stable state (see the module docstring)."""
    resolver = _RESOLVERS.get(job['command'].lower())
    if job['status'] != PENDING or resolver is None:
        return job
    outcome = resolver(request, job)
    if outcome is None:
        return job
    done = job_api.finish(request.context, job['uuid'], *outcome)
    on_finish = _ON_FINISH.get(job['command'].lower())
    if done and on_finish is not None:
        on_finish(request, job, outcome[0])
    return job_api.get(request.context, job['uuid'], project_only=False)


def view(job):
    """The ``queryAsyncJobResult`` / ``asyncjobs`` object of a job."""
    body = {
        'jobid': job['uuid'], 'accountid': job['project_id'],
        'userid': job['user_id'], 'cmd': job['command'],
        'jobstatus': job['status'], 'jobprocstatus': 0,
        'jobresultcode': job['result_code'], 'jobresulttype': 'object',
        'jobinstancetype': job['resource_type'],
        'jobinstanceid': job['instance_uuid'],
        'created': views.cs_time(job['created_at']),
        'completed': views.cs_time(job['completed_at']),
    }
    if job['status'] != PENDING:
        body['jobresult'] = job['result'] or {}
    return body
