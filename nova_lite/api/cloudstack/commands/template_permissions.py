"""Template permissions (CloudStack API reference, "Template":
updateTemplatePermissions, listTemplatePermissions) over the image
members of the image service (``nova_lite.image.members``): a template
shared with a project is an image shared with that project, its
membership accepted at once (CloudStack has no acceptance step), so the
project sees it in listTemplates, ``/v2.1/images`` and ``/image/v2``
and can deploy it.

Accounts are Keystone projects (a CloudStack account is the project the
caller works in): ``accounts`` names projects (by name in the caller's
domain, or by id), ``projectids`` gives project ids.  Only the
template's owner (or an admin) changes or lists its permissions (531
otherwise); an unknown or invisible template is a 431 on ``id``.
"""
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import keystone
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite import exception
from nova_lite.image import api as image_api
from nova_lite.policies import image as image_policies

_IMAGES = image_api.API()
OPS = ('add', 'remove', 'reset')
_ID = P.Parameter('id', P.UUID, 'the template ID', required=True)


def _invalid(request, param, value, reason):
    return errors.InvalidParameter(
        'Unable to execute API command %s due to invalid value %s for '
        'parameter %s: %s' % (request.command.name.lower(), value, param,
                              reason))


def _owned_template(request):
    try:
        return _IMAGES.owned_image(request.context, request.params['id'])
    except exception.ImageNotFound:
        raise _invalid(request, 'id', request.params['id'],
                       'no such template') from None


def _projects(request):
    """Project ids of ``projectids`` and ``accounts``."""
    params = request.params
    projects = list(params['projectids'] or ())
    if params['accounts']:
        client = keystone.get_client(request.conf)
        domain = request.identity.domain_name or 'Default'
        projects += [client.find('project', name, domain)
                     for name in params['accounts']]
    return list(dict.fromkeys(projects))


@command('updateTemplatePermissions', role=MEMBER,
         response_object='success', params=(
             _ID,
             P.Parameter('op', choices=OPS, description='permission '
                         'operator: add, remove or reset'),
             P.Parameter('projectids', P.LIST, length=4096,
                         description='comma-separated project ids; needs '
                         'op'),
             P.Parameter('accounts', P.LIST, length=4096,
                         description='comma-separated accounts (project '
                         'names or ids); needs op'),
             P.Parameter('ispublic', P.BOOLEAN, 'true: public (admins), '
                         'false: private'),
             P.Parameter('isfeatured', P.BOOLEAN, 'ignored: featured '
                         'templates are the public ones'),
             P.Parameter('isextractable', P.BOOLEAN, 'ignored: templates '
                         'are not extractable'),
         ))
def update_template_permissions(request):
    """Updates a template's visibility and the projects it is shared
    with."""
    params = request.params
    if (params['projectids'] or params['accounts']) and not params['op']:
        raise _invalid(request, 'op', 'null', 'needed with accounts or '
                       'projectids')
    if params['op'] in ('add', 'remove') and not (params['projectids']
                                                  or params['accounts']):
        raise _invalid(request, 'op', params['op'], 'needs accounts or '
                       'projectids')
    image = _owned_template(request)
    owner = {'project_id': image['owner'] or '',
             'user_id': request.context.user_id}
    if params['ispublic'] and image['visibility'] != 'public':
        request.authorize(image_policies.IMAGE % 'publicize_image', owner)
    if params['op'] == 'add':
        request.authorize(image_policies.IMAGE % 'add_member', owner)
    elif params['op'] or params['ispublic'] is not None:
        request.authorize(image_policies.IMAGE % 'delete_member', owner)
    _IMAGES.update_permissions(request.context, image['uuid'],
                               op=params['op'], projects=_projects(request),
                               public=params['ispublic'])
    return {'success': True}


@command('listTemplatePermissions', response_object='templatepermission',
         params=(_ID,))
def list_template_permissions(request):
    """Lists the projects a template is shared with."""
    image, projects = _IMAGES.permissions(request.context,
                                          _owned_template(request)['uuid'])
    return {'templatepermission': {
        'id': image['uuid'], 'ispublic': image['visibility'] == 'public',
        'domainid': request.identity.domain_id,
        'account': projects, 'projectids': projects}}
