"""Service offering management (CloudStack API reference, "Service
Offering"): createServiceOffering and deleteServiceOffering, admin only,
over the compute API's flavors (listServiceOfferings is
``commands.catalog``'s).

An offering is a public flavor whose id is a new UUID: ``cpunumber`` →
vcpus, ``memory`` (MiB) → ram, ``rootdisksize`` (GiB; 0 or absent: the
template's size, as CloudStack) → disk, ``displaytext`` → description,
``deploymentplanner`` → the extra spec ``cloudstack:deployment_planner``
(``nova_lite.scheduler.planners``). ``cpuspeed`` is accepted and not
kept: every offering shows ``[cloudstack] cpu_speed_mhz``. System
offerings (``issystem``) do not exist here (431). Deleting one leaves
the VMs made from it as they are (they keep a copy of its sizes).

Policy: ``os_compute_api:os-flavor-manage:create``/``delete`` and, with
a planner, ``os_compute_api:os-flavor-extra-specs:create``. Events:
SERVICE.OFFERING.CREATE, SERVICE.OFFERING.DELETE.
"""
from nova_lite.api.cloudstack.commands import events
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import ADMIN
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack import views
from nova_lite.compute import flavors as flavor_api
from nova_lite import exception
from nova_lite.policies import flavor_extras as extra_spec_policies
from nova_lite.policies import flavors as flavor_policies
from nova_lite.scheduler import planners
from nova_lite.scheduler import request as scheduler_request

PLANNER_SPEC = scheduler_request.PLANNER_HINT
#: Lower-cased planner name (choices are matched that way) → its name.
_PLANNERS = {name.lower(): name for name in planners.NAMES}


def _values(request):
    params = request.params
    if params['issystem']:
        raise errors.InvalidParameter(
            'Unable to execute API command createserviceoffering: system '
            'offerings do not exist in nova_lite')
    values = {'name': params['name'], 'vcpus': params['cpunumber'],
              'memory_mb': params['memory'],
              'root_gb': params['rootdisksize'] or 0, 'ephemeral_gb': 0,
              'swap': 0, 'is_public': True}
    if params['displaytext']:
        values['description'] = params['displaytext']
    return values


@command('createServiceOffering', role=ADMIN,
         response_object='serviceoffering', params=(
             P.Parameter('name', required=True, description='the name of '
                         'the service offering (the flavor name)'),
             P.Parameter('displaytext', description='its description'),
             P.Parameter('cpunumber', P.INTEGER, 'number of CPUs',
                         required=True, minimum=1),
             P.Parameter('cpuspeed', P.INTEGER, 'accepted; every offering '
                         'shows [cloudstack] cpu_speed_mhz', minimum=1),
             P.Parameter('memory', P.INTEGER, 'memory in MiB',
                         required=True, minimum=1),
             P.Parameter('rootdisksize', P.LONG, 'root disk size in GiB '
                         '(0: the template size)', minimum=0),
             P.Parameter('deploymentplanner', choices=tuple(_PLANNERS),
                         description='the deployment planner of VMs of '
                         'this offering: %s' % ', '.join(planners.NAMES)),
             P.Parameter('issystem', P.BOOLEAN, 'true is refused: no '
                         'system VMs'),
         ))
def create_service_offering(request):
    """Creates a service offering (a public flavor)."""
    request.authorize(flavor_policies.FLAVOR_MANAGE % 'create')
    planner = request.params['deploymentplanner']
    if planner:
        request.authorize(extra_spec_policies.EXTRA_SPECS % 'create')
        planner = _PLANNERS[planner]
    try:
        flavor = flavor_api.create(request.context, _values(request))
        if planner:
            flavor_api.update_extra_specs(request.context, flavor['flavorid'],
                                          {PLANNER_SPEC: planner})
    except exception.NovaLiteException as exc:
        raise errors.from_exception(exc) from None
    flavor = flavor_api.with_extra_specs(request.context, flavor)
    events.record(request, 'SERVICE.OFFERING.CREATE', 'Successfully '
                  'completed creating service offering. Name: %s'
                  % flavor['name'], flavor['flavorid'])
    return {'serviceoffering': views.service_offering(
        flavor, request.conf.cloudstack.cpu_speed_mhz)}


@command('deleteServiceOffering', role=ADMIN, params=(
    P.Parameter('id', required=True, description='the ID of the service '
                'offering (a flavor id)'),
))
def delete_service_offering(request):
    """Deletes a service offering; its VMs keep their sizes."""
    request.authorize(flavor_policies.FLAVOR_MANAGE % 'delete')
    flavor_id = request.params['id']
    try:
        flavor_api.delete(request.context, flavor_id)
    except exception.FlavorNotFound:
        raise errors.InvalidParameter(
            'Unable to execute API command deleteserviceoffering due to '
            'invalid value %s for parameter id: no such service offering'
            % flavor_id[:64]) from None
    events.record(request, 'SERVICE.OFFERING.DELETE', 'Successfully '
                  'completed deleting service offering. Id: %s' % flavor_id,
                  flavor_id)
    return {'success': True}
