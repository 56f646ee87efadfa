"""What a user can deploy from: zones, service offerings, guest OS types
and templates (networks: ``networks``), plus listCapabilities and
listApis (CloudStack API reference, "Zone", "Service Offering", "Guest
OS", "Template", "Configuration", "Discovery")."""
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import os_types
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack import registry
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.compute import flavors as flavor_api
from nova_lite.compute import topology
from nova_lite.image import api as image_api
from nova_lite.policies import flavors as flavor_policies
from nova_lite import policy

TEMPLATE_FILTERS = ('featured', 'self', 'selfexecutable',
                    'sharedexecutable', 'executable', 'community', 'all')


def _matches(keyword, *texts):
    keyword = (keyword or '').lower()
    return not keyword or any(keyword in (t or '').lower() for t in texts)


# ------------------------------------------------------------------ zones

def zone_names(request):
    """Names of the availability zones: the default zone of compute
    hosts (``[compute] default_availability_zone``) first, then the zones
    of host aggregates (``compute.topology``)."""
    return topology.availability_zone_names(request.context)


def zone_name(request, zone_id, param='zoneid'):
    """The name of the zone with id ``zone_id``.

    :raises: InvalidParameter (431) naming ``param`` when there is none
    """
    for name in zone_names(request):
        if views.zone_id(name) == zone_id:
            return name
    raise errors.InvalidParameter(
        'Unable to execute API command %s due to invalid value %s for '
        'parameter %s: no such zone' % (request.command.name.lower(),
                                         zone_id, param))


@command('listZones', response_object='zone', listing=True, params=(
    P.Parameter('id', P.UUID, 'the ID of the zone'),
    P.Parameter('name', description='the name of the zone'),
    P.Parameter('available', P.BOOLEAN, 'true: zones the caller can '
                'deploy in'),
    P.Parameter('showcapacities', P.BOOLEAN, 'ignored: no capacities'),
))
def list_zones(request):
    """Lists zones (availability zones)."""
    params = request.params
    zones = [views.zone(name) for name in zone_names(request)
             if (not params['id'] or views.zone_id(name) == params['id'])
             and (not params['name'] or name == params['name'])
             and _matches(params['keyword'], name)]
    page, total = request_mod.paginate(request, zones)
    return request_mod.listing(page, 'zone', total)


# ------------------------------------------------------ service offerings

@command('listServiceOfferings', response_object='serviceoffering',
         listing=True, params=(
             P.Parameter('id', description='ID of the service offering '
                         '(a flavor id)'),
             P.Parameter('name', description='name of the service offering'),
             P.Parameter('issystem', P.BOOLEAN, 'true: system offerings '
                         '(there are none)'),
             P.Parameter('zoneid', P.UUID, 'offerings of this zone'),
         ))
def list_service_offerings(request):
    """Lists service offerings (flavors)."""
    request.authorize(flavor_policies.FLAVORS % 'index')
    params = request.params
    if params['issystem']:
        return {}
    if params['zoneid']:
        zone_name(request, params['zoneid'])
    cpu_speed = request.conf.cloudstack.cpu_speed_mhz
    flavors = flavor_api.with_all_extra_specs(
        request.context, flavor_api.get_all(request.context, is_public=None))
    offerings = [
        views.service_offering(f, cpu_speed) for f in flavors
        if (not params['id'] or f['flavorid'] == params['id'])
        and (not params['name'] or f['name'] == params['name'])
        and _matches(params['keyword'], f['name'], f['description'])]
    page, total = request_mod.paginate(request, offerings)
    return request_mod.listing(page, 'serviceoffering', total)


# ---------------------------------------------------------- guest OS types

@command('listOsTypes', response_object='ostype', listing=True, params=(
    P.Parameter('id', P.UUID, 'the OS type ID'),
    P.Parameter('description', description='the OS type description'),
    P.Parameter('oscategoryid', P.UUID, 'OS types of this category'),
))
def list_os_types(request):
    """Lists the guest OS types (image os_distro values)."""
    params = request.params
    keyword = (params['keyword'] or '').lower()
    types = [t for t in os_types.all_types()
             if all(not params[key] or t[key] == params[key]
                    for key in ('id', 'description', 'oscategoryid'))
             and keyword in t['description'].lower()]
    page, total = request_mod.paginate(request, types)
    return request_mod.listing(page, 'ostype', total)


# -------------------------------------------------------------- templates

def _template_filter(kind, image, project_id):
    owned = image['owner'] == project_id
    active = image['status'] == 'active'
    return {
        'featured': image['visibility'] == 'public',
        'self': owned,
        'selfexecutable': owned and active,
        'sharedexecutable': (image['visibility'] == 'shared' and not owned
                             and active),
        'executable': active,
        'community': image['visibility'] == 'community',
        'all': True,
    }[kind]


@command('listTemplates', response_object='template', listing=True,
         params=(
             P.Parameter('templatefilter', required=True,
                         choices=TEMPLATE_FILTERS,
                         description='featured, self, selfexecutable, '
                         'sharedexecutable, executable, community or all '
                         '(admins)'),
             P.Parameter('id', P.UUID, 'the template (image) ID'),
             P.Parameter('name', description='the template name'),
             P.Parameter('zoneid', P.UUID, 'templates of this zone'),
         ))
def list_templates(request):
    """Lists templates (images)."""
    request.authorize(flavor_policies.IMAGES % 'index')
    params, ctx = request.params, request.context
    kind = params['templatefilter']
    if kind == 'all' and not ctx.is_admin:
        raise errors.PermissionDenied('templatefilter=all is for '
                                      'administrators only')
    zone = zone_names(request)[0]
    if params['zoneid']:
        zone = zone_name(request, params['zoneid'])
    images = image_api.API().list(ctx, ids=[params['id']]
                                  if params['id'] else None)
    templates = [views.template(i, zone, ctx.project_id) for i in images
                 if _template_filter(kind, i, ctx.project_id)
                 and (not params['name'] or i['name'] == params['name'])
                 and _matches(params['keyword'], i['name'])]
    for item in templates:
        if item['account']:
            item['account'] = request.identity.project_name
    page, total = request_mod.paginate(request, templates)
    return request_mod.listing(page, 'template', total)


# ------------------------------------------------------------- discovery

@command('listCapabilities', response_object='capability')
def list_capabilities(request):
    """Lists the capabilities of the cloud."""
    conf = request.conf.cloudstack
    return {'capability': {
        'cloudstackversion': conf.version,
        'securitygroupsenabled': True, 'userpublictemplateenabled': False,
        'supportELB': 'false', 'projectinviterequired': False,
        'allowusercreateprojects': False, 'kvmsnapshotenabled': False,
        'allowuserviewdestroyedvm': False,
        'allowuserexpungerecovervm': True, 'dynamicrolesenabled': False,
        'apilimitinterval': 0, 'apilimitmax': 0,
        'customdiskofferingminsize': 0, 'customdiskofferingmaxsize': 0,
        'defaultuipagesize': conf.default_page_size,
    }}


@command('listApis', response_object='api', params=(
    P.Parameter('name', description='API name'),
))
def list_apis(request):
    """Lists the APIs the caller may call, with their parameters."""
    name = (request.params['name'] or '').lower()
    apis = [cmd.describe() for key, cmd in sorted(registry.COMMANDS.items())
            if (not name or key == name)
            and (cmd.role == registry.ANONYMOUS
                 or policy.can(request.context,
                               registry.ROLE_RULES[cmd.role]))]
    return request_mod.listing(apis, 'api')
