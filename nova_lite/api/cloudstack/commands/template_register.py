"""registerTemplate (CloudStack API reference, "Template"): a template
whose file the cloud downloads from a URL (``nova_lite.image.url_import``
has which URLs, and why only this machine's).

The command is synchronous, as CloudStack's: it checks the parameters
and the URL, creates the image (``queued``, owned by the caller's
project) and answers the template at once (``isready`` false, status
``Download In Progress``); the download runs in the API process and
listTemplates then shows ``Download Complete`` (``isready`` true) or
``Download Failed: <why>``. A ready template deploys like any other.

Mapping: ``format`` QCOW2 or RAW → the image's disk_format; ``ostypeid``
(of listOsTypes) → the ``os_distro`` and ``os_type`` properties;
``displaytext`` → ``description``; ``ispublic`` (or ``isfeatured``) →
a public image, for admins only (as publicizing an image in Glance),
else private; ``hypervisor`` must be KVM (every compute is libvirt/QEMU
or its fake); ``zoneid`` names a zone or is -1 (all): images are in
every zone.
"""
from nova_lite.api.cloudstack.commands import catalog
from nova_lite.api.cloudstack.commands import vms
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import os_types
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite import exception
from nova_lite.image import api as image_api
from nova_lite.image import url_import
from nova_lite.policies import image as image_policies

FORMATS = {'qcow2': 'qcow2', 'raw': 'raw'}
_IMAGES = image_api.API()


def _checked(request):
    """``(url, disk_format, checksum)`` of the parameters.

    :raises: InvalidParameter (431), PermissionDenied (531)
    """
    params = request.params
    if params['hypervisor'] != 'kvm':
        raise vms.invalid(request, 'hypervisor', params['hypervisor'],
                          'only KVM templates run here')
    if params['zoneid'] != '-1':
        catalog.zone_name(request, params['zoneid'])
    if (params['ispublic'] or params['isfeatured']) and \
            not request.context.is_admin:
        raise errors.PermissionDenied('Only admins may register public '
                                      'or featured templates')
    try:
        url = url_import.check_url(params['url'])
    except exception.Invalid as exc:
        raise vms.invalid(request, 'url', params['url'][:200],
                          exc.format_message()) from None
    try:
        checksum = url_import.parse_checksum(params['checksum'])
    except exception.Invalid as exc:
        raise vms.invalid(request, 'checksum', params['checksum'],
                          exc.format_message()) from None
    return url, FORMATS[params['format']], checksum


@command('registerTemplate', role=MEMBER, response_object='template',
         params=(
             P.Parameter('name', required=True, description='the template '
                         'name'),
             P.Parameter('displaytext', length=4096, description='the '
                         'template description'),
             P.Parameter('url', required=True, length=2048,
                         description='where the file is: http(s) on this '
                         'machine\'s loopback, or file:// under [image] '
                         'import_allowed_dirs'),
             P.Parameter('format', required=True, choices=tuple(FORMATS),
                         description='QCOW2 or RAW'),
             P.Parameter('hypervisor', required=True, choices=('kvm',),
                         description='KVM'),
             P.Parameter('zoneid', required=True, description='a zone ID, '
                         'or -1 for all zones'),
             P.Parameter('ostypeid', P.UUID, description='an OS type of '
                         'listOsTypes: its os_distro and os_type '
                         'properties'),
             P.Parameter('checksum', description='MD5 hex, or '
                         '{ALGORITHM}hex (e.g. {SHA-256}...), checked '
                         'after the download'),
             P.Parameter('ispublic', P.BOOLEAN, default=False,
                         description='true (admins): public'),
             P.Parameter('isfeatured', P.BOOLEAN, default=False,
                         description='true (admins): public (featured)'),
             P.Parameter('isextractable', P.BOOLEAN, description='accepted: '
                         'templates are not extractable'),
             P.Parameter('passwordenabled', P.BOOLEAN, description='accepted:'
                         ' no password reset'),
         ))
def register_template(request):
    """Registers a template whose file is downloaded from a URL."""
    request.authorize(image_policies.IMAGE % 'add_image')
    url, disk_format, checksum = _checked(request)
    params = request.params
    props = {}
    if params['displaytext']:
        props['description'] = params['displaytext'][:255]
    if params['ostypeid']:
        props.update(os_types.image_properties(request, params['ostypeid']))
    public = bool(params['ispublic'] or params['isfeatured'])
    image = _IMAGES.create(
        request.context, params['name'], disk_format=disk_format,
        container_format='bare',
        visibility='public' if public else 'private', properties=props)
    url_import.Importer.start(image['uuid'], url, disk_format, checksum)
    zone = catalog.zone_names(request)[0]
    item = views.template(image, zone, request.context.project_id)
    item['account'] = request.identity.project_name
    return request_mod.listing([item], 'template')
