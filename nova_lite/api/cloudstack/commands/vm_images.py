"""A VM's disk and templates: restoreVirtualMachine, createTemplate and
deleteTemplate (CloudStack API reference, "Virtual Machine" and
"Template") over the compute API's rebuild and snapshots
(``nova_lite.compute.api_rebuild``, ``compute.api_snapshot``) and the
image service.

* restoreVirtualMachine (async): the VM's root disk made again from its
  template, or from ``templateid`` (the compute API's rebuild); the job
  ends when the ``rebuild`` instance action finishes: 1 with the VM, 2
  when it failed (the VM is then in Error with the fault). A VM with
  VM snapshots is refused (431), as CloudStack refuses it.
* createTemplate (async): a template (private image of the caller's
  project, ``image_type`` snapshot) from a stopped VM's ROOT volume.
  nova_lite has no volume API: a VM's ROOT volume has the VM's id (its
  ``rootdeviceid`` is 0), so ``volumeid`` takes the VM id, as does
  ``virtualmachineid``. The job ends when the image is active (1 with
  the template) or gone (2: the snapshot failed and its image was
  deleted). Deploying from the template works like any template.
* deleteTemplate (async, done at once): deletes a template the caller
  owns (531 otherwise; 431 for an unknown one, 530 for a protected one).
"""
from nova_lite.api.cloudstack.commands import catalog
from nova_lite.api.cloudstack.commands import vm_snapshots
from nova_lite.api.cloudstack.commands import vms
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import os_types
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import views
from nova_lite.compute import instance_actions as action_api
from nova_lite.compute import states
from nova_lite import exception
from nova_lite.image import api as image_api
from nova_lite.policies import image as image_policies
from nova_lite.policies import servers as server_policies

SERVERS = server_policies.SERVERS
TEMPLATE = 'Template'
_IMAGES = image_api.API()


def _authorize_on(request, rule, instance):
    request.authorize(rule, {'project_id': instance.project_id,
                             'user_id': instance.user_id})


# --------------------------------------------------------------- restore

@command('restoreVirtualMachine', is_async=True, role=MEMBER,
         response_object='virtualmachine', params=(
             P.Parameter('virtualmachineid', P.UUID, required=True,
                         description='the VM ID'),
             P.Parameter('templateid', P.UUID, description='the template '
                         'to restore from (default: the VM\'s own)'),
         ))
def restore_virtual_machine(request):
    """Restores a virtual machine's root disk from a template (a
    rebuild)."""
    instance = vms.get_instance(request, 'virtualmachineid')
    _authorize_on(request, SERVERS % 'rebuild', instance)
    vm_snapshots.refuse_if_snapshots(request, instance, 'restore')
    template = request.params['templateid'] or instance.image_ref or \
        _root_volume_image(request, instance)
    try:
        # A ROOT volume is restored from the template too (CloudStack
        # makes the VM a new ROOT volume of it).
        request.compute_api.rebuild(request.context, instance.uuid,
                                    template, reimage_boot_volume=True)
    except exception.Invalid as exc:
        raise vms.invalid(request, 'templateid', template,
                          exc.format_message()) from None
    job = jobs.create(request, instance.uuid)
    return {'jobid': job['uuid']}


def _root_volume_image(request, instance):
    """The image a VM booted from a volume was made of ('' when none)."""
    root = request.compute_api.root_volume(request.context, instance.uuid)
    return (root or {}).get('source_image_id') or ''


def _resolve_restore(request, job):
    """1 with the VM once the job's rebuild action finished well, 2 when
    it failed or the VM is gone; None while it runs."""
    act = action_api.latest(request.context, job['instance_uuid'],
                            'rebuild', job['created_at'])
    instance = jobs._live_instance(request, job)
    if instance is None:
        return jobs._failed('Virtual machine %s was destroyed.'
                            % job['instance_uuid'])
    if act is None or act.finish_time is None:
        return None
    if act.message == 'Error' or instance.vm_state == states.ERROR:
        return jobs._failed(jobs._error_text(instance, 'restore'))
    return jobs._succeeded(jobs._vm_result(request, instance))


# -------------------------------------------------------------- templates

def _template_source(request):
    """The stopped VM whose ROOT volume becomes the template.

    :raises: InvalidParameter (431)
    """
    params = request.params
    param = 'volumeid' if params['volumeid'] else 'virtualmachineid'
    if not params[param]:
        raise vms.invalid(request, 'volumeid', '(none)', 'give the ROOT '
                          'volume id (the VM id) or virtualmachineid')
    instance = vms.get_instance(request, param)
    if instance.vm_state != states.STOPPED or instance.task_state:
        raise vms.invalid(request, param, instance.uuid, 'the virtual '
                          'machine must be Stopped to make a template of '
                          'its ROOT volume')
    return instance


@command('createTemplate', is_async=True, role=MEMBER,
         response_object='template', params=(
             P.Parameter('name', required=True, description='the template '
                         'name'),
             P.Parameter('displaytext', length=4096, description='the '
                         'template description'),
             P.Parameter('ostypeid', P.UUID, description='an OS type of '
                         'listOsTypes: its os_distro and os_type '
                         'properties'),
             P.Parameter('volumeid', P.UUID, description='the ROOT volume '
                         '(its id is the VM id)'),
             P.Parameter('virtualmachineid', P.UUID, description='the VM '
                         'whose ROOT volume is used'),
         ))
def create_template(request):
    """Creates a template from a stopped virtual machine's ROOT volume."""
    instance = _template_source(request)
    _authorize_on(request, SERVERS % 'create_image', instance)
    metadata = {}
    if request.params['displaytext']:
        metadata['description'] = request.params['displaytext'][:255]
    if request.params['ostypeid']:
        metadata.update(os_types.image_properties(
            request, request.params['ostypeid']))
    image = request.compute_api.snapshot(request.context, instance.uuid,
                                         request.params['name'],
                                         metadata=metadata)
    job = jobs.create(request, instance.uuid, expected_state=image['uuid'],
                      resource_type=TEMPLATE)
    return {'id': image['uuid'], 'jobid': job['uuid']}


def _resolve_template(request, job):
    """1 with the template once its image is active; 2 when the image is
    gone (the snapshot failed); None while it is queued or saving."""
    try:
        image = _IMAGES.get_record(request.context, job['expected_state'])
    except exception.ImageNotFound:
        return jobs._failed('Failed to create template %s from virtual '
                            'machine %s: the snapshot failed.'
                            % (job['expected_state'],
                               job['instance_uuid']))
    if image['status'] != 'active':
        return None
    zone = catalog.zone_names(request)[0]
    item = views.template(image, zone, request.context.project_id)
    if item['account']:
        item['account'] = request.identity.project_name
    return jobs._succeeded({'template': item})


@command('deleteTemplate', is_async=True, role=MEMBER,
         response_object='success', params=(
             P.Parameter('id', P.UUID, required=True, description='the '
                         'template ID'),
             P.Parameter('zoneid', P.UUID, description='accepted: '
                         'templates are in every zone'),
         ))
def delete_template(request):
    """Deletes a template the caller owns."""
    template_id = request.params['id']
    try:
        image = _IMAGES.owned_image(request.context, template_id)
    except exception.ImageNotFound:
        raise vms.invalid(request, 'id', template_id,
                          'no such template') from None
    except exception.Forbidden as exc:
        raise errors.PermissionDenied(exc.format_message()) from None
    request.authorize(image_policies.IMAGE % 'delete_image',
                      {'project_id': image['owner'] or '',
                       'user_id': request.context.user_id})
    if image['protected']:
        raise errors.CloudStackError('Template %s is protected and cannot '
                                     'be deleted.' % template_id)
    _IMAGES.delete(request.context, template_id)
    job = jobs.create(request, resource_type=TEMPLATE,
                      result={'success': True})
    return {'jobid': job['uuid']}


jobs.register_resolver('restoreVirtualMachine', _resolve_restore)
jobs.register_resolver('createTemplate', _resolve_template)
