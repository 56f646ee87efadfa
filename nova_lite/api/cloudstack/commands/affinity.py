"""Affinity groups (CloudStack API reference, "Affinity Group") = server
groups of the compute API (``nova_lite.compute.server_groups``): the scheduler
enforces their policy for both APIs. createAffinityGroup and
deleteAffinityGroup are asynchronous in CloudStack; here their job is
complete when it is returned."""
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.compute import server_groups as group_api

TYPES = tuple(views.AFFINITY_TYPES)


def _view(request, group):
    account = request.identity.project_name \
        if group['project_id'] == request.context.project_id \
        else group['project_id']
    return views.affinity_group(group, group['members'], account)


def _find(request):
    """The group of the ``id`` or ``name`` parameter (one is needed).

    :raises: InvalidParameter (431)
    """
    group_id, name = request.params['id'], request.params['name']
    if not group_id and not name:
        raise errors.InvalidParameter(
            'Unable to execute API command %s due to missing parameter id '
            '(or name)' % request.command.name.lower())
    group = group_api.find(request.context, group_id, name)
    if group is not None:
        return group
    raise errors.InvalidParameter(
        'Unable to execute API command %s due to invalid value %s for '
        'parameter %s: no such affinity group' % (
            request.command.name.lower(), group_id or name,
            'id' if group_id else 'name'))


@command('createAffinityGroup', is_async=True, role=MEMBER,
         response_object='affinitygroup', params=(
             P.Parameter('name', required=True, description='group name'),
             P.Parameter('type', required=True, choices=TYPES,
                         description='host affinity, host anti-affinity, '
                         'non-strict host affinity or non-strict host '
                         'anti-affinity'),
         ))
def create_affinity_group(request):
    """Creates an affinity group (a server group)."""
    name = request.params['name']
    if group_api.find(request.context, name=name) is not None:
        raise errors.InvalidParameter(
            'Unable to create affinity group, a group with name %s already '
            'exists.' % name)
    group = group_api.create(request.context, name,
                             views.AFFINITY_TYPES[request.params['type']])
    job = jobs.create(request, resource_type='AffinityGroup',
                      result={'affinitygroup': _view(request, group)})
    return {'id': group['uuid'], 'jobid': job['uuid']}


@command('deleteAffinityGroup', is_async=True, role=MEMBER, params=(
    P.Parameter('id', P.UUID, description='group ID'),
    P.Parameter('name', description='group name'),
))
def delete_affinity_group(request):
    """Deletes an affinity group (its VMs stay)."""
    group = _find(request)
    group_api.delete(request.context, group['uuid'])
    job = jobs.create(request, resource_type='AffinityGroup',
                      result={'success': True})
    return {'jobid': job['uuid']}


@command('listAffinityGroups', response_object='affinitygroup',
         listing=True, params=(
             P.Parameter('id', P.UUID, 'group ID'),
             P.Parameter('name', description='group name'),
             P.Parameter('type', choices=TYPES, description='group type'),
             P.Parameter('virtualmachineid', P.UUID, 'groups of this VM'),
             P.Parameter('listall', P.BOOLEAN, 'true (admins): groups of '
                         'every account'),
         ))
def list_affinity_groups(request):
    """Lists affinity groups."""
    params, ctx = request.params, request.context
    keyword = (params['keyword'] or '').lower()
    policy = views.AFFINITY_TYPES.get(params['type'])
    groups = [
        _view(request, g) for g in group_api.get_all(
            ctx, all_projects=bool(params['listall']) and ctx.is_admin)
        if (not params['id'] or g['uuid'] == params['id'])
        and (not params['name'] or g['name'] == params['name'])
        and (not policy or g['policy'] == policy)
        and (not params['virtualmachineid']
             or params['virtualmachineid'] in g['members'])
        and keyword in (g['name'] or '').lower()]
    page, total = request_mod.paginate(request, groups)
    return request_mod.listing(page, 'affinitygroup', total)


@command('listAffinityGroupTypes', response_object='affinityGroupType',
         listing=True)
def list_affinity_group_types(request):
    """Lists the affinity group types."""
    kinds = [{'type': kind} for kind in TYPES]
    return request_mod.listing(kinds, 'affinityGroupType')
