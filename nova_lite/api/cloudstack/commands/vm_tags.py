"""Resource tags of VMs (CloudStack API reference, "Resource tags"):
createTags, listTags and deleteTags, resource type ``UserVm``, over the
compute API's server tags (microversion 2.26, ``nova_lite.compute.tags``).

A CloudStack tag (key, value) is the server tag ``key=value``, so both
APIs see the same tags: ``openstack server set --tag env=prod`` shows in
listTags as key ``env``, value ``prod``; a server tag without ``=``
shows as that key with an empty value. Server tag rules apply: the
whole ``key=value`` is at most 60 characters without ``/`` or ``,``, a
key has no ``=``, at most 50 tags per server, and tags change only
while the VM is Running or Stopped with nothing in progress (431
otherwise). createTags replaces the value of a key the VM has;
deleteTags removes the keys given (only where the value matches when
one is given), or every tag without ``tags``.

createTags and deleteTags are asynchronous as in CloudStack; their job
is complete when returned. Policy: ``os_compute_api:os-server-tags:
update``/``delete``/``index`` on each VM's project. Events: CREATE_TAGS,
DELETE_TAGS.
"""
from nova_lite.api.cloudstack.commands import events
from nova_lite.api.cloudstack.commands import vms
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.compute import tags as tag_api
from nova_lite import exception
from nova_lite.policies import server_tags as tag_policies

RESOURCE_TYPE = views.TAG_RESOURCE_TYPE
#: Longest server tag (compute API reference, "Server tags").
MAX_TAG = 60


def _check_type(request):
    kind = request.params['resourcetype']
    if kind and kind.lower() != RESOURCE_TYPE.lower():
        raise vms.invalid(request, 'resourcetype', kind, 'only UserVm '
                          'resources have tags in nova_lite')


def _pairs(request, required):
    """[(key, value)] of the ``tags`` map parameter.

    :raises: InvalidParameter (431) for a tag the server tag rules refuse
    """
    pairs = []
    for entry in request.params['tags'] or ():
        key, value = entry.get('key', ''), entry.get('value')
        if required and value is None:
            raise vms.invalid(request, 'tags', key, 'a tag needs a key and '
                              'a value')
        tag = _tag(key, value)
        if not key or '=' in key or len(tag) > MAX_TAG or \
                set('/,') & set(tag):
            raise vms.invalid(request, 'tags', tag[:80], 'a key without =, '
                              'key=value at most %d characters, no / or ,'
                              % MAX_TAG)
        pairs.append((key, value))
    if required and not pairs:
        raise vms.invalid(request, 'tags', '', 'no tags given')
    return pairs


def _instances(request, rule):
    """The VMs of ``resourceids``, each checked against policy ``rule``.

    :raises: InvalidParameter (431) for an unknown VM
    """
    found = []
    for uuid in request.params['resourceids']:
        try:
            instance = request.compute_api.get(request.context, uuid)
        except exception.InstanceNotFound:
            raise vms.invalid(request, 'resourceids', uuid,
                              'no such virtual machine') from None
        request.authorize(rule, {'project_id': instance.project_id,
                                 'user_id': instance.user_id})
        found.append(instance)
    return found


def _engine(exc):
    """A tag change the engine refused: 431 (state, too many tags)."""
    if isinstance(exc, (exception.Invalid, exception.InstanceInvalidState)):
        return errors.InvalidParameter(exc.format_message())
    return errors.from_exception(exc)


_CHANGE_PARAMS = (
    P.Parameter('resourceids', P.LIST, required=True, item_type=P.UUID,
                description='the VM IDs'),
    P.Parameter('resourcetype', required=True, description='UserVm'),
)


@command('createTags', is_async=True, role=MEMBER, params=_CHANGE_PARAMS + (
    P.Parameter('tags', P.MAP, required=True, length=MAX_TAG,
                description='tags[N].key and tags[N].value'),
    P.Parameter('customer', description='accepted, not kept'),
))
def create_tags(request):
    """Creates tags on VMs (server tags key=value)."""
    _check_type(request)
    pairs = _pairs(request, required=True)
    instances = _instances(request, tag_policies.SERVER_TAGS % 'update')
    ctx = request.context
    try:
        for instance in instances:
            current = dict(views.split_tag(t)
                           for t in tag_api.get(ctx, instance.uuid))
            for key, value in pairs:
                if key in current and current[key] != value:
                    tag_api.delete(ctx, instance.uuid,
                                   _tag(key, current[key]))
                tag_api.add(ctx, instance.uuid, _tag(key, value))
    except exception.NovaLiteException as exc:
        raise _engine(exc) from None
    for instance in instances:
        events.record(request, 'CREATE_TAGS', 'Successfully completed '
                      'creating tags %s on UserVm %s' % (
                          ', '.join(k for k, _v in pairs), instance.uuid),
                      instance.uuid)
    return {'jobid': jobs.create(request, instances[0].uuid,
                                 resource_type=RESOURCE_TYPE,
                                 result={'success': True})['uuid']}


def _tag(key, value):
    return '%s=%s' % (key, value) if value else key


@command('deleteTags', is_async=True, role=MEMBER, params=_CHANGE_PARAMS + (
    P.Parameter('tags', P.MAP, length=MAX_TAG, description='tags[N].key '
                '(and tags[N].value: only that value); none: every tag'),
))
def delete_tags(request):
    """Deletes tags of VMs."""
    _check_type(request)
    pairs = _pairs(request, required=False)
    instances = _instances(request, tag_policies.SERVER_TAGS % 'delete')
    ctx = request.context
    try:
        for instance in instances:
            for tag in tag_api.get(ctx, instance.uuid):
                key, value = views.split_tag(tag)
                if not pairs or any(key == k and v in (None, value)
                                    for k, v in pairs):
                    tag_api.delete(ctx, instance.uuid, tag)
    except exception.NovaLiteException as exc:
        raise _engine(exc) from None
    for instance in instances:
        events.record(request, 'DELETE_TAGS', 'Successfully completed '
                      'deleting tags of UserVm %s' % instance.uuid,
                      instance.uuid)
    return {'jobid': jobs.create(request, instances[0].uuid,
                                 resource_type=RESOURCE_TYPE,
                                 result={'success': True})['uuid']}


@command('listTags', response_object='tag', listing=True, params=(
    P.Parameter('resourcetype', description='UserVm'),
    P.Parameter('resourceid', P.UUID, 'tags of this VM'),
    P.Parameter('key', description='tags with this key'),
    P.Parameter('value', description='tags with this value'),
    P.Parameter('listall', P.BOOLEAN, 'true (admins): tags of every '
                'account'),
))
def list_tags(request):
    """Lists the tags of the account's VMs."""
    params, ctx = request.params, request.context
    _check_type(request)
    request.authorize(tag_policies.SERVER_TAGS % 'index')
    all_tenants = bool(params['listall']) and ctx.is_admin
    filters = {'uuids': [params['resourceid']]} \
        if params['resourceid'] else {}
    instances = request.compute_api.get_all(ctx, filters,
                                            all_tenants=all_tenants,
                                            details=False)
    tags = tag_api.of_instances(ctx, [i.uuid for i in instances])
    keyword = (params['keyword'] or '').lower()
    found = [views.tag(request, i, *views.split_tag(t))
             for i in instances for t in tags[i.uuid]]
    found = [t for t in found
             if (params['key'] is None or t['key'] == params['key'])
             and (params['value'] is None or t['value'] == params['value'])
             and (keyword in t['key'].lower() or
                  keyword in t['value'].lower())]
    page, total = request_mod.paginate(request, found)
    return request_mod.listing(page, 'tag', total)
