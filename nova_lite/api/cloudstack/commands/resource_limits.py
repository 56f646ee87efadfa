"""Resource limits (CloudStack API reference, "Limit":
listResourceLimits, updateResourceLimit) over the compute API's quotas
(``nova_lite.quota``): a CloudStack account is a Keystone project, so an
account's limit of a resource type is its project's quota.

Resource types nova_lite has (``RESOURCE_TYPES``): 0 ``user_vm``
(quota ``instances``), 8 ``cpu`` (``cores``) and 9 ``memory`` (``ram``,
MiB, as CloudStack counts memory).  The other CloudStack types (public
IPs, volumes, snapshots, templates, projects, networks, VPCs, storage)
have no quota here: listing one gives nothing, updating one is a 431.
``max`` -1 is unlimited.

Scope: the caller's account by default; ``account`` (a project name in
``domainid``'s domain, by default the caller's) or ``projectid`` names
another, which needs the quota sets policies (``os_compute_api:
os-quota-sets:show`` to list, ``:update`` to update: admins).  There are
no domain limits: ``domainid`` alone only scopes ``account``, and
updating without ``account`` or ``projectid`` sets the caller's own
account's limit.  As in CloudStack, a limit may be set below the
current usage (no new resource is then allowed) and an update without
``max`` makes the resource unlimited.
"""
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import keystone
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import ADMIN
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.policies import quota_sets as quota_policies
from nova_lite import quota

#: CloudStack resource type → (type name, quota resource).
RESOURCE_TYPES = {0: ('user_vm', 'instances'), 8: ('cpu', 'cores'),
                  9: ('memory', 'ram')}
#: Every CloudStack resource type (Resource.ResourceType), by number.
ALL_TYPES = {0: 'user_vm', 1: 'public_ip', 2: 'volume', 3: 'snapshot',
             4: 'template', 5: 'project', 6: 'network', 7: 'vpc', 8: 'cpu',
             9: 'memory', 10: 'primary_storage', 11: 'secondary_storage'}
_BY_NAME = {name: number for number, name in ALL_TYPES.items()}
MAX_LIMIT = 2 ** 31 - 1

_SCOPE = (
    P.Parameter('account', description='the account (project name) of '
                'the limits; needs domainid or the caller\'s domain'),
    P.Parameter('domainid', description='the domain (Keystone domain ID '
                'or name) of account'),
    P.Parameter('projectid', description='the project ID of the limits'),
)


def _invalid(request, param, value, reason):
    return errors.InvalidParameter(
        'Unable to execute API command %s due to invalid value %s for '
        'parameter %s: %s' % (request.command.name.lower(), value, param,
                              reason))


def account_of(request):
    """``{"id", "name", "domain_id", "domain_name"}`` of the project the
    call is about (``account`` in ``domainid``'s domain, by default the
    caller's, or ``projectid``; the caller's own without either).

    :raises: InvalidParameter (431) for an unknown account or project
    """
    params, identity = request.params, request.identity
    project_id = params['projectid']
    if params['account'] and not project_id:
        project_id = keystone.get_client(request.conf).find(
            'project', params['account'],
            params['domainid'] or identity.domain_name or 'Default')
    if not project_id or project_id == identity.project_id:
        return {'id': identity.project_id, 'name': identity.project_name,
                'domain_id': identity.domain_id,
                'domain_name': identity.domain_name}
    return keystone.get_client(request.conf).project(project_id)


def _limit(account, number, limits):
    name, resource = RESOURCE_TYPES[number]
    return {'account': account['name'], 'domainid': account['domain_id'],
            'domain': account['domain_name'], 'projectid': account['id'],
            'resourcetype': str(number), 'resourcetypename': name,
            'max': limits[resource]}


def _resource_type(request, required=False):
    """The resource type number asked by ``resourcetype`` or
    ``resourcetypename``, or None."""
    params = request.params
    number = params.get('resourcetype')
    name = params.get('resourcetypename')
    if name is not None:
        if name.lower() not in _BY_NAME:
            raise _invalid(request, 'resourcetypename', name,
                           'not a resource type')
        by_name = _BY_NAME[name.lower()]
        if number is not None and number != by_name:
            raise _invalid(request, 'resourcetypename', name,
                           'does not match resourcetype %d' % number)
        number = by_name
    if number is not None and number not in ALL_TYPES:
        raise _invalid(request, 'resourcetype', number,
                       'must be one of 0-11')
    if required and number is None:
        raise _invalid(request, 'resourcetype', 'null', 'required')
    return number


@command('listResourceLimits', response_object='resourcelimit',
         listing=True, params=_SCOPE + (
             P.Parameter('resourcetype', P.INTEGER, 'resource type: 0 '
                         'instances, 8 CPUs, 9 memory (MiB); others have '
                         'no limit here'),
             P.Parameter('resourcetypename', description='user_vm, cpu '
                         'or memory'),
             P.Parameter('id', P.LONG, 'ignored: limits have no id here'),
             P.Parameter('listall', P.BOOLEAN, 'ignored: the limits of '
                         'one account are listed'),
             P.Parameter('isrecursive', P.BOOLEAN, 'ignored'),
         ))
def list_resource_limits(request):
    """Lists the resource limits of an account (its project's quotas)."""
    number = _resource_type(request)
    account = account_of(request)
    request.authorize(quota_policies.QUOTA_SETS % 'show',
                      {'project_id': account['id']})
    limits = quota.get_limits(request.context, account['id'])
    entries = [_limit(account, n, limits) for n in sorted(RESOURCE_TYPES)
               if number is None or n == number]
    page, total = request_mod.paginate(request, entries)
    return request_mod.listing(page, 'resourcelimit', total)


@command('updateResourceLimit', role=ADMIN, response_object='resourcelimit',
         params=_SCOPE + (
             P.Parameter('resourcetype', P.INTEGER, 'resource type: 0 '
                         'instances, 8 CPUs, 9 memory (MiB)',
                         required=True),
             P.Parameter('max', P.LONG, 'the limit; -1 or absent for '
                         'unlimited'),
         ))
def update_resource_limit(request):
    """Updates the limit of a resource type of an account (its project's
    quota)."""
    number = _resource_type(request, required=True)
    if number not in RESOURCE_TYPES:
        raise _invalid(request, 'resourcetype', number, 'resource type %s '
                       'has no limit in this cloud: use 0, 8 or 9'
                       % ALL_TYPES[number])
    maximum = request.params['max']
    maximum = quota.UNLIMITED if maximum is None else maximum
    if not quota.UNLIMITED <= maximum <= MAX_LIMIT:
        raise _invalid(request, 'max', maximum, 'must be -1 or between 0 '
                       'and %d' % MAX_LIMIT)
    account = account_of(request)
    request.authorize(quota_policies.QUOTA_SETS % 'update',
                      {'project_id': account['id']})
    limits = quota.update(request.context, account['id'],
                          {RESOURCE_TYPES[number][1]: maximum}, force=True)
    return {'resourcelimit': _limit(account, number, limits)}
