"""Usage of instances over a time window, and the instance usage audit
log: the engine of os-simple-tenant-usage, os-instance_usage_audit_log
and CloudStack's listUsageRecords.

Usage is computed from instance lifetimes and flavor sizes only (compute
API reference, "Usage reports (os-simple-tenant-usage)": stop, pause and
other events are ignored): an instance is charged from ``launched_at``
to its end (``terminated_at``, else ``deleted_at`` for a deleted one, else
still running), clipped to the window; deleted instances are included
(``nova_lite.db.usage.instances_in_window``). Hours are floats; memory
in MiB, disks in GiB; times naive UTC.

The audit log summarizes the ``task_log`` rows of the period
``nova_lite.compute.usage_audit.last_completed_audit_period`` gives.
"""
import collections

from oslo_utils import timeutils

from nova_lite.compute import usage_audit
from nova_lite.db import services as service_db
from nova_lite.db import usage as usage_db
from nova_lite import servicegroup


def hours_in_window(instance, begin, end):
    """Hours (float, >= 0) of ``[begin, end)`` during which ``instance``
    (a dict with ``launched_at`` and ``ended_at``) existed."""
    launched, ended = instance['launched_at'], instance['ended_at']
    if launched is None:
        return 0.0
    start = max(launched, begin)
    stop = min(ended, end) if ended is not None else end
    return max((stop - start).total_seconds() / 3600.0, 0.0)


def server_usage(instance, begin, end, now=None):
    """The ``server_usages`` item of one instance (os-simple-tenant-usage):
    ``instance_id``, ``name``, ``tenant_id``, ``flavor``, ``vcpus``,
    ``memory_mb``, ``local_gb`` (root + ephemeral), ``hours`` in the
    window, ``started_at``, ``ended_at`` (None while it lives), ``state``
    ('terminated' once ended, else its vm_state) and ``uptime`` (whole
    seconds from launch to its end, or to now)."""
    now = now or timeutils.utcnow()
    ended = instance['ended_at']
    return {
        'instance_id': instance['uuid'],
        'name': instance['display_name'] or '',
        'tenant_id': instance['project_id'],
        'flavor': instance['flavor_name'] or '',
        'vcpus': instance['vcpus'],
        'memory_mb': instance['memory_mb'],
        'local_gb': instance['root_gb'] + (instance['ephemeral_gb'] or 0),
        'hours': hours_in_window(instance, begin, end),
        'started_at': instance['launched_at'],
        'ended_at': ended,
        'state': 'terminated' if ended is not None
        else instance['vm_state'],
        'uptime': int(((ended or now) - instance['launched_at'])
                      .total_seconds()),
    }


def tenant_usages(context, begin, end, project_id=None, detailed=True,
                  limit=None, marker=None):
    """``(usages, server_usages)`` of the instances that existed during
    ``[begin, end)``, paged by ``limit`` instances after ``marker``.

    ``usages`` is one dict a project, in project id order: ``tenant_id``,
    ``start`` (begin), ``stop`` (end), ``total_hours``,
    ``total_vcpus_usage``, ``total_memory_mb_usage`` and
    ``total_local_gb_usage`` (vCPU-, MiB- and GiB-hours, floats) and, when
    ``detailed``, ``server_usages``. ``server_usages`` lists every
    instance's ``server_usage`` of the page, in page order.

    :param project_id: only this project (the caller's policy decides)
    :raises: Invalid (400) for an unknown marker
    """
    now = timeutils.utcnow()
    instances = usage_db.instances_in_window(
        context, begin, end, project_id=project_id, limit=limit,
        marker=marker)
    usages = collections.OrderedDict()
    servers = []
    for instance in instances:
        info = server_usage(instance, begin, end, now)
        servers.append(info)
        summary = usages.get(info['tenant_id'])
        if summary is None:
            summary = usages[info['tenant_id']] = {
                'tenant_id': info['tenant_id'], 'start': begin,
                'stop': end, 'total_hours': 0.0,
                'total_vcpus_usage': 0.0, 'total_memory_mb_usage': 0.0,
                'total_local_gb_usage': 0.0}
            if detailed:
                summary['server_usages'] = []
        hours = info['hours']
        summary['total_hours'] += hours
        summary['total_vcpus_usage'] += info['vcpus'] * hours
        summary['total_memory_mb_usage'] += info['memory_mb'] * hours
        summary['total_local_gb_usage'] += info['local_gb'] * hours
        if detailed:
            summary['server_usages'].append(info)
    return list(usages.values()), servers


# ------------------------------------------------------------ audit log

def audit_log(context, before=None):
    """The usage audit summary of the latest period completed before
    ``before`` (os-instance_usage_audit_log): ``period_beginning``,
    ``period_ending`` (``str`` of the naive UTC datetimes, as Nova shows
    them), ``num_hosts`` (compute services, disabled ones included),
    ``num_hosts_done``, ``num_hosts_running``, ``num_hosts_not_run``,
    ``hosts_not_run``, ``total_instances``, ``total_errors``,
    ``overall_status`` and ``log`` (``{host: {state, instances, errors,
    message}}``). Two SELECTs."""
    begin, end = usage_audit.last_completed_audit_period(before=before)
    logs = usage_db.task_log_get_all(context, usage_audit.AUDIT_TASK,
                                     begin, end)
    hosts = {s['host'] for s in service_db.service_get_all(
        context, binary=servicegroup.COMPUTE)}
    seen = {log['host'] for log in logs}
    done = {log['host'] for log in logs if log['state'] == 'DONE'}
    running = {log['host'] for log in logs if log['state'] == 'RUNNING'}
    errors = sum(log['errors'] for log in logs)
    done_text = 'ALL' if len(done) == len(hosts) else '%d of %d' % (
        len(done), len(hosts))
    return {
        'period_beginning': str(begin), 'period_ending': str(end),
        'num_hosts': len(hosts), 'num_hosts_done': len(done),
        'num_hosts_running': len(running),
        'num_hosts_not_run': len(hosts - seen),
        'hosts_not_run': sorted(hosts - seen),
        'total_instances': sum(log['task_items'] for log in logs),
        'total_errors': errors,
        'overall_status': '%s hosts done. %d errors.' % (done_text, errors),
        'log': {log['host']: {'state': log['state'],
                              'instances': log['task_items'],
                              'errors': log['errors'],
                              'message': log['message']}
                for log in logs},
    }
