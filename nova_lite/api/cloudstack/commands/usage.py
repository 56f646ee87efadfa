"""Usage records (CloudStack API reference, "Usage": listUsageRecords;
admins), over the same usage computation as the compute API's
os-simple-tenant-usage (``nova_lite.compute.usage``).

Only usage type 2 (ALLOCATED_VM) is recorded: the hours a virtual
machine existed, from launch to its termination, clipped to
``[startdate, enddate]`` (deleted machines included), one record per
machine for the whole window. CloudStack's usage server aggregates by
day (``usage.stats.job.aggregation.range``); nova_lite does not, and
keeps no history of stops and starts, so type 1 (RUNNING_VM, the hours
a machine was running) cannot be computed and asking for it is a 431.
Dates are ``yyyy-MM-dd`` (the start of that day for startdate, its end
for enddate) or ``yyyy-MM-dd HH:mm:ss``, UTC.
"""
import datetime

from oslo_utils import timeutils

from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import ADMIN
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.compute import usage as usage_api

RUNNING_VM, ALLOCATED_VM = 1, 2


def _date(value, name, end_of_day=False):
    for fmt in ('%Y-%m-%d %H:%M:%S', '%Y-%m-%d'):
        try:
            parsed = datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
        if fmt == '%Y-%m-%d' and end_of_day:
            parsed += datetime.timedelta(days=1)
        return parsed
    raise errors.InvalidParameter(
        'Unable to parse date %s for parameter %s: expected yyyy-MM-dd or '
        'yyyy-MM-dd HH:mm:ss' % (value[:32], name))


def _record(usage, start, end):
    hours = usage['hours']
    return {
        'account': usage['tenant_id'], 'accountid': usage['tenant_id'],
        'projectid': usage['tenant_id'], 'project': usage['tenant_id'],
        'description': '%s (%s) allocated' % (usage['name'],
                                               usage['instance_id']),
        'usage': '%.6f Hrs' % hours, 'rawusage': '%.6f' % hours,
        'usagetype': ALLOCATED_VM,
        'virtualmachineid': usage['instance_id'],
        'usageid': usage['instance_id'], 'name': usage['name'],
        'offeringid': usage['flavor'],
        'cpunumber': usage['vcpus'],
        'memory': usage['memory_mb'],
        'startdate': views.cs_time(max(start, usage['started_at'])),
        'enddate': views.cs_time(min(end, usage['ended_at'])
                                 if usage['ended_at'] else end),
    }


@command('listUsageRecords', role=ADMIN, response_object='usagerecord',
         listing=True, params=(
             P.Parameter('startdate', description='start of the period: '
                         'yyyy-MM-dd or yyyy-MM-dd HH:mm:ss', required=True),
             P.Parameter('enddate', description='end of the period: '
                         'yyyy-MM-dd (included) or yyyy-MM-dd HH:mm:ss',
                         required=True),
             P.Parameter('type', P.LONG, 'usage type: 2 (ALLOCATED_VM); '
                         '1 (RUNNING_VM) is not recorded'),
             P.Parameter('projectid', description='records of this '
                         'project'),
             P.Parameter('usageid', P.UUID, 'records of this virtual '
                         'machine'),
         ))
def list_usage_records(request):
    """Lists the ALLOCATED_VM usage records of a period (hours each
    virtual machine existed)."""
    params, ctx = request.params, request.context
    start = _date(params['startdate'], 'startdate')
    end = min(_date(params['enddate'], 'enddate', end_of_day=True),
              timeutils.utcnow())
    if params['type'] == RUNNING_VM:
        raise errors.InvalidParameter(
            'Usage type 1 (RUNNING_VM) is not recorded: nova_lite keeps no '
            'history of virtual machine stops and starts; use type 2 '
            '(ALLOCATED_VM).')
    if params['type'] is not None and params['type'] != ALLOCATED_VM:
        return request_mod.listing([], 'usagerecord', 0)
    if not start < end:
        raise errors.InvalidParameter(
            'The start date must be before the end date.')
    _usages, servers = usage_api.tenant_usages(
        ctx, start, end, project_id=params['projectid'], detailed=False)
    records = [_record(s, start, end) for s in servers
               if not params['usageid']
               or s['instance_id'] == params['usageid']]
    page, total = request_mod.paginate(request, records)
    return request_mod.listing(page, 'usagerecord', total)
