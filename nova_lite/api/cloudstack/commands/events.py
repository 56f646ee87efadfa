"""Events (CloudStack API reference, "Event"): listEvents, of the
events recorded from notifications by the conductor
(``nova_lite.cloudstack.events``): VM.CREATE, VM.START, VM.STOP,
VM.REBOOT, VM.DESTROY, level INFO or ERROR, state Completed; and the
security group events the API records itself (SG.CREATE,
SG.AUTH.INGRESS, ...; ``commands.security_groups``)."""
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.cloudstack import events as cs_events


def _view(request, row):
    ident = request.identity
    mine = row['project_id'] == ident.project_id
    return {'id': row['uuid'], 'type': row['type'], 'level': row['level'],
            'state': row['state'], 'description': row['description'],
            'created': views.cs_time(row['created_at']),
            'username': ident.user_name if row['user_id'] ==
            ident.user_id else row['user_id'],
            'account': ident.project_name if mine else row['project_id'],
            'domainid': ident.domain_id, 'domain': ident.domain_name,
            'resourceid': row['resource_id'],
            'resourcetype': cs_events.resource_type(row['type'])}


@command('listEvents', response_object='event', listing=True, params=(
    P.Parameter('type', description='event type, e.g. VM.CREATE'),
    P.Parameter('level', choices=tuple(
        level.lower() for level in cs_events.LEVELS),
                description='INFO, WARN or ERROR'),
    P.Parameter('listall', P.BOOLEAN, 'true (admins): events of every '
                'account'),
))
def list_events(request):
    """Lists the events of the caller's account, oldest first."""
    params, ctx = request.params, request.context
    rows = cs_events.list_events(
        ctx, all_projects=bool(params['listall']) and ctx.is_admin,
        event_type=params['type'],
        level=params['level'].upper() if params['level'] else None)
    keyword = (params['keyword'] or '').lower()
    if keyword:
        rows = [r for r in rows if keyword in (r['description'] or
                                               '').lower()]
    page, total = request_mod.paginate(request, rows)
    return request_mod.listing([_view(request, r) for r in page], 'event',
                               total)


def record(request, event_type, description, resource_id, level='INFO',
           state=cs_events.COMPLETED):
    """Record an event of the command (``cs_events.API_TYPES``) when
    ``[cloudstack] record_events`` is on."""
    if request.conf.cloudstack.record_events:
        cs_events.record_action(request.context, event_type, description,
                                resource_id, level=level, state=state)
