"""``/v2.1/servers/{server_id}/os-volume_attachments`` (compute API
reference, "Servers with volume attachments (servers,
os-volume_attachments)"; doc/volumes.md, "Compute side"):

- ``GET``: 200 ``{"volumeAttachments": [attachment]}`` (``limit`` and
  ``offset`` page it);
- ``GET .../{volume_id}``: 200 ``{"volumeAttachment": attachment}``,
  404 when the volume is not attached to the server;
- ``POST``: attach ``{"volumeAttachment": {"volumeId", "device"?,
  "tag"? (2.49), "delete_on_termination"? (2.79)}}``: 200 (202 from
  2.101) with the attachment once the guest has the disk; 404 unknown
  volume; 400 a volume that is not available (or multiattach); 409 a
  server not ACTIVE, PAUSED or STOPPED (from 2.20 also SHELVED or
  SHELVED_OFFLOADED: an offloaded server's attachment is recorded at
  once, its device assigned, and connected by the unshelve) or with a
  task, a locked server; 500 when the hypervisor failed;
- ``PUT .../{volume_id}`` ``{"volumeAttachment": {"volumeId", ...}}``:
  202; from 2.85 with the same ``volumeId`` it sets
  ``delete_on_termination`` (``device``, ``tag``, ``serverId`` and
  ``id`` may be given with their current values, else 400; rule
  ``update``); another ``volumeId`` (every PUT before 2.85) asks for a
  swap (rule ``swap``: admins and the service role): 404 for an
  unknown volume in the path or one not attached, 400 for an unknown
  new volume, else 400: nova_lite cannot swap volumes;
- ``DELETE .../{volume_id}``: 202, the compute detaches it soon after;
  404 when not attached, 409 as attach (and 400 while the volume is
  not in-use, e.g. still attaching, or for the root volume of a server
  booted from a volume).

An attachment is ``{"id" (the volume's; until 2.88), "serverId",
"volumeId", "device", "tag" (2.70), "delete_on_termination" (2.79),
"attachment_id", "bdm_uuid" (2.89)}``; the attach answer keeps ``id``
and has no 2.89 fields, as Nova's. An unknown server, or another
project's, is a 404; rules ``os_compute_api:os-volumes-attachments:
{index,show,create,delete}``.
"""
import flask

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import volume_attachments as policies

bp = flask.Blueprint('volume_attachments', __name__,
                     url_prefix='/v2.1/servers/<server_id>/'
                     'os-volume_attachments')


def _authorized(server_id, action):
    """The context and server, once the caller may ``action`` it.

    :raises: InstanceNotFound (404), Forbidden (403)
    """
    context = openstack.context()
    instance = openstack.compute_api().get(context, server_id)
    policy.authorize(context, policies.VOLUME_ATTACHMENTS % action,
                     {'project_id': instance.project_id,
                      'user_id': context.user_id})
    return context, instance


def attachment_view(att, created=False):
    """The volumeAttachment of an attachment dict
    (``nova_lite.db.volume_attachments``) by microversion; ``created``
    for the attach answer (``id`` kept, no 2.89 fields)."""
    view = {'serverId': att['instance_uuid'],
            'volumeId': att['volume_uuid'],
            'device': att.get('mountpoint')}
    if created or not microversion.at_least('2.89'):
        view['id'] = att['volume_uuid']
    if microversion.at_least('2.70'):
        view['tag'] = att.get('tag')
    if microversion.at_least('2.79'):
        view['delete_on_termination'] = bool(
            att.get('delete_on_termination'))
    if not created and microversion.at_least('2.89'):
        view['attachment_id'] = att['uuid']
        view['bdm_uuid'] = att.get('bdm_uuid')
    return view


def _page(items):
    """``limit``/``offset`` of the query (non-negative integers).

    :raises: ValidationError (400)
    """
    args = flask.request.args
    try:
        offset = int(args.get('offset', 0))
        limit = int(args['limit']) if 'limit' in args else None
    except ValueError:
        raise exception.ValidationError(
            attribute='limit/offset', reason='must be integers') from None
    if offset < 0 or (limit is not None and limit < 0):
        raise exception.ValidationError(
            attribute='limit/offset', reason='must not be negative')
    items = items[offset:]
    return items if limit is None else items[:limit]


@bp.get('')
def index(server_id):
    """200 ``{"volumeAttachments": [...]}``."""
    context, instance = _authorized(server_id, 'index')
    atts = openstack.compute_api().list_volume_attachments(context,
                                                           instance.uuid)
    return {'volumeAttachments': [attachment_view(a)
                                  for a in _page(atts)]}


@bp.get('/<volume_id>')
def show(server_id, volume_id):
    """200 ``{"volumeAttachment": {...}}``; 404 when not attached."""
    context, instance = _authorized(server_id, 'show')
    att = openstack.compute_api().show_volume_attachment(
        context, instance.uuid, volume_id)
    return {'volumeAttachment': attachment_view(att)}


@bp.post('')
def create(server_id):
    """200 (202 from 2.101) ``{"volumeAttachment": {...}}``."""
    context, instance = _authorized(server_id, 'create')
    body = openstack.body()['volumeAttachment']
    att = openstack.compute_api().attach_volume(
        context, instance.uuid, body['volumeId'],
        device=body.get('device'), tag=body.get('tag'),
        delete_on_termination=body.get('delete_on_termination', False),
        shelved=microversion.at_least('2.20'))
    status = 202 if microversion.at_least('2.101') else 200
    return {'volumeAttachment': attachment_view(att, created=True)}, status


@bp.put('/<volume_id>')
def update(server_id, volume_id):
    """202: ``delete_on_termination`` updated (2.85); a swap (another
    ``volumeId``; before 2.85 every PUT is one) is refused (400) once
    its volumes and the attachment are found."""
    context = openstack.context()
    instance = openstack.compute_api().get(context, server_id)
    body = openstack.body()['volumeAttachment']
    swap = not microversion.at_least('2.85') or \
        body['volumeId'] != volume_id
    if swap:
        policy.authorize(context, policies.VOLUME_ATTACHMENTS % 'swap', {})
    else:
        policy.authorize(context, policies.VOLUME_ATTACHMENTS % 'update',
                         {'project_id': instance.project_id,
                          'user_id': context.user_id})
    openstack.compute_api().update_volume_attachment(
        context, instance.uuid, volume_id, body, swap)
    return '', 202


@bp.delete('/<volume_id>')
def delete(server_id, volume_id):
    """202: the compute detaches the volume."""
    context, instance = _authorized(server_id, 'delete')
    openstack.compute_api().detach_volume(
        context, instance.uuid, volume_id,
        shelved=microversion.at_least('2.20'))
    return '', 202
