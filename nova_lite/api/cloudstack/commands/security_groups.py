"""Security groups (CloudStack API reference, "Security Group") over the
security groups of the Networking API (``nova_lite.network.
security_groups``, doc/network-api.md): one store, so a rule authorized
here is a rule ``/network/v2.0/security-group-rules`` lists, and the
computes enforce it the same way (the rule change casts the refresh of
the group's members, ``nova_lite.network.port_security``).

- createSecurityGroup, updateSecurityGroup (rename),
  deleteSecurityGroup (``id`` or ``name``; refused with 536 while VMs
  are in it; the ``default`` group cannot be deleted or renamed, 431);
- listSecurityGroups: the account's groups with their ``ingressrule``
  and ``egressrule`` lists and ``virtualmachineids``; filters ``id``,
  ``securitygroupname``, ``virtualmachineid``, ``keyword``; admins list
  every account's with ``listall=true`` (or one with ``projectid``);
- authorize/revoke ingress/egress (``commands.sg_rules``).

Names are unique in an account, as CloudStack keeps them. Policy: the
Networking API's rules (``get_security_group``,
``create_security_group``... of ``nova_lite.policies.network_api``)
with the group's project as target. Events SG.CREATE, SG.UPDATE and
SG.DELETE are recorded (``nova_lite.cloudstack.events.record_action``).
"""
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import sg_views
from nova_lite.cloudstack import events as cs_events
from nova_lite.network import errors as network_errors
from nova_lite.network import security_groups as sg_api


def invalid(request, param, value, reason):
    """InvalidParameter (431) naming the command and ``param``."""
    return errors.InvalidParameter(
        'Unable to execute API command %s due to invalid value %s for '
        'parameter %s: %s' % (request.command.name.lower(), value, param,
                              reason))


def authorize(request, action, project_id):
    """Check the Networking API policy ``action`` on a group of
    ``project_id``. :raises: PermissionDenied (531)"""
    request.authorize(action, {'project_id': project_id,
                               'tenant_id': project_id,
                               'user_id': request.context.user_id})


def record(request, event_type, description, group_uuid):
    """Record a security group event when events are recorded."""
    if request.conf.cloudstack.record_events:
        cs_events.record_action(request.context, event_type, description,
                                group_uuid)


def _by_name(request, name, project_id):
    ctx = request.context
    if name == sg_api.DEFAULT_NAME:
        return sg_api.ensure_default(ctx, project_id)
    found = [g for g in sg_api.list_groups(ctx)
             if g['name'] == name and g['project_id'] == project_id]
    return found[0] if found else None


def find_group(request, group_id, name, id_param='id',
               name_param='name'):
    """The group of an id or a name of the caller's account (one of
    them is needed).

    :raises: InvalidParameter (431) when missing or unknown
    """
    if not group_id and not name:
        raise errors.InvalidParameter(
            'Unable to execute API command %s due to missing parameter %s '
            '(or %s)' % (request.command.name.lower(), id_param,
                         name_param))
    if group_id:
        try:
            return sg_api.get_group(request.context, group_id)
        except network_errors.SecurityGroupNotFound:
            raise invalid(request, id_param, group_id,
                          'no such security group') from None
    group = _by_name(request, name, request.context.project_id)
    if group is None:
        raise invalid(request, name_param, name, 'no such security group '
                      'in the account')
    return group


def _project(request):
    """The project of a new group: the caller's, or ``projectid`` for
    an admin. :raises: InvalidParameter (431)"""
    ctx, project_id = request.context, request.params['projectid']
    if not project_id or project_id == ctx.project_id:
        return ctx.project_id
    if not ctx.is_admin:
        raise invalid(request, 'projectid', project_id, 'not the '
                      'caller\'s project')
    return project_id


_GROUP_ID = P.Parameter('id', P.UUID, description='the security group ID')
_GROUP_NAME = P.Parameter('name', description='the security group name')


@command('createSecurityGroup', role=MEMBER,
         response_object='securitygroup', params=(
             P.Parameter('name', required=True, description='name of the '
                         'group (unique in the account)'),
             P.Parameter('description', description='its description'),
             P.Parameter('projectid', description='the project of '
                         'the group (admins; the caller\'s by default)'),
         ))
def create_security_group(request):
    """Creates a security group (lets every egress out, no ingress)."""
    params, ctx = request.params, request.context
    project_id = _project(request)
    authorize(request, 'create_security_group', project_id)
    name = params['name']
    if _by_name(request, name, project_id) is not None:
        raise errors.InvalidParameter(
            'Unable to create security group, a group with name %s '
            'already exists in the account.' % name)
    group = sg_api.create_group(ctx, project_id, name,
                                params['description'])
    record(request, 'SG.CREATE', 'Successfully completed creating '
           'security group. Id: %s' % group['uuid'], group['uuid'])
    return {'securitygroup': sg_views.SecurityGroupViews.load(
        request, [group]).render(group)}


@command('updateSecurityGroup', role=MEMBER, since='4.14.0',
         response_object='securitygroup', params=(
             P.Parameter('id', P.UUID, required=True,
                         description='the security group ID'),
             P.Parameter('name', description='the new name'),
         ))
def update_security_group(request):
    """Renames a security group (not the default one)."""
    params, ctx = request.params, request.context
    group = find_group(request, params['id'], None)
    authorize(request, 'update_security_group', group['project_id'])
    name = params['name']
    if name and name != group['name']:
        if sg_api.with_rules(ctx, [group])[0]['is_default']:
            raise invalid(request, 'id', group['uuid'], 'the default '
                          'security group cannot be renamed')
        if _by_name(request, name, group['project_id']) is not None:
            raise invalid(request, 'name', name, 'the account has a '
                          'security group of that name')
        group = sg_api.update_group(ctx, group, {'name': name})
        record(request, 'SG.UPDATE', 'Successfully completed updating '
               'security group. Id: %s' % group['uuid'], group['uuid'])
    return {'securitygroup': sg_views.SecurityGroupViews.load(
        request, [group]).render(group)}


@command('deleteSecurityGroup', role=MEMBER, params=(_GROUP_ID,
                                                     _GROUP_NAME))
def delete_security_group(request):
    """Deletes a security group without VMs (``id`` or ``name``)."""
    params, ctx = request.params, request.context
    group = find_group(request, params['id'], params['name'])
    authorize(request, 'delete_security_group', group['project_id'])
    if sg_api.with_rules(ctx, [group])[0]['is_default']:
        raise invalid(request, 'id' if params['id'] else 'name',
                      params['id'] or params['name'],
                      'the default security group cannot be deleted')
    sg_api.delete_group(ctx, group)
    record(request, 'SG.DELETE', 'Successfully completed deleting '
           'security group. Id: %s' % group['uuid'], group['uuid'])
    return {'success': True}


def _listed_groups(request):
    """The groups listSecurityGroups starts from: the caller's project's,
    every project's (admins, ``listall``) or ``projectid``'s."""
    params, ctx = request.params, request.context
    groups = sg_api.list_groups(ctx)
    if params['projectid']:
        return [g for g in groups if g['project_id'] == params['projectid']]
    if ctx.is_admin and params['listall']:
        return groups
    return [g for g in groups if g['project_id'] == ctx.project_id]


def _filtered(request, groups):
    params = request.params
    if params['virtualmachineid']:
        wanted = {g['id'] for g in sg_api.groups_of_instances(
            request.context, [params['virtualmachineid']]).get(
                params['virtualmachineid'], [])}
        groups = [g for g in groups if g['id'] in wanted]
    keyword = (params['keyword'] or '').lower()
    return [g for g in groups
            if (not params['id'] or g['uuid'] == params['id'])
            and (not params['securitygroupname']
                 or g['name'] == params['securitygroupname'])
            and (not keyword or keyword in g['name'].lower()
                 or keyword in (g['description'] or '').lower())]


@command('listSecurityGroups', response_object='securitygroup',
         listing=True, params=(
             P.Parameter('id', P.UUID, 'the security group ID'),
             P.Parameter('securitygroupname', description='the group name'),
             P.Parameter('virtualmachineid', P.UUID, 'groups of this VM'),
             P.Parameter('listall', P.BOOLEAN, 'true (admins): groups of '
                         'every account'),
             P.Parameter('projectid', description='groups of this project'),
             P.Parameter('account', description='groups of this account '
                         '(its name as listSecurityGroups shows it)'),
         ))
def list_security_groups(request):
    """Lists security groups with their rules and VMs."""
    params = request.params
    authorize(request, 'get_security_group',
              params['projectid'] or request.context.project_id)
    groups = _filtered(request, _listed_groups(request))
    views = sg_views.SecurityGroupViews.load(request, groups)
    found = [views.render(g) for g in groups]
    if params['account']:
        found = [g for g in found if g['account'] == params['account']]
    page, total = request_mod.paginate(request, found)
    return request_mod.listing(page, 'securitygroup', total)
