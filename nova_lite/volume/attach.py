"""Attachments (Block Storage API v3 ``/attachments``, microversion
3.27+) and the legacy attach actions a compute uses (``os-reserve``,
``os-initialize_connection``, ``os-attach``, ``os-begin_detaching``,
``os-terminate_connection``, ``os-detach``, ``os-unreserve``), over one
status machine (``nova_lite.volume.states``):

    available --reserve/attachment create--> reserved
    reserved --connector given (initialize/update)--> attaching
    attaching --os-attach/complete--> in-use
    in-use --begin_detaching--> detaching
    detaching/in-use/reserved/attaching --detach/attachment delete-->
        available (in-use while other attachments remain)

A multiattach volume may be reserved again while in-use. Opening an
export is an RPC call to the volume's service; so is closing it.
"""
import uuid as uuidlib

from oslo_utils import timeutils

from nova_lite.db import volume_attachments as attachment_db
from nova_lite.db import volumes as volume_db
from nova_lite.volume import api as volume_api
from nova_lite.volume import errors
from nova_lite.volume import states

#: Attachment statuses.
RESERVED = 'reserved'
ATTACHING = 'attaching'
ATTACHED = 'attached'
DETACHING = 'detaching'


def _reservable(volume):
    return (states.AVAILABLE, states.IN_USE) if volume['multiattach'] \
        else (states.AVAILABLE,)


def attachment_create(context, volume_id, instance_uuid=None,
                      connector=None, mode='rw'):
    """Reserve the volume for ``instance_uuid`` with a new attachment;
    with a ``connector`` its export is opened too (``attaching``).

    :returns: the attachment's dict (``connection_info`` set when a
        connector was given)
    :raises: VolumeNotFound; InvalidVolume (400) when the volume is not
        available (or in-use and multiattach); Invalid for a bad mode
    """
    if mode not in ('rw', 'ro'):
        raise errors.Invalid(reason='Invalid attach mode %r' % mode)
    volume = volume_api.get(context, volume_id)
    if instance_uuid and not volume['multiattach']:
        for att in attachment_db.attachment_get_all(
                context, volume_uuid=volume_id, all_projects=True):
            if att['instance_uuid'] == instance_uuid:
                raise errors.InvalidVolume(reason='volume %s is already '
                                           'attached to %s' % (
                                               volume_id, instance_uuid))
    target = states.RESERVED if volume['status'] == states.AVAILABLE \
        else volume['status']
    attachment = attachment_db.attachment_create(context, {
        'uuid': str(uuidlib.uuid4()), 'volume_uuid': volume_id,
        'instance_uuid': instance_uuid, 'attach_mode': mode,
        'attach_status': RESERVED}, _reservable(volume), target)
    if connector:
        attachment = attachment_update(context, attachment['uuid'],
                                       connector)
    return attachment


def attachment_get(context, attachment_id):
    return attachment_db.attachment_get(context, attachment_id)


def attachment_list(context, volume_id=None, instance_uuid=None,
                    all_projects=False):
    return attachment_db.attachment_get_all(
        context, volume_uuid=volume_id, instance_uuid=instance_uuid,
        all_projects=all_projects)


def attachment_update(context, attachment_id, connector):
    """Open the attachment's export for ``connector`` (``{"ip": str,
    "host": str, ...}``); the volume goes ``attaching`` (from
    reserved).

    :returns: the attachment with its ``connection_info``
    :raises: AttachmentNotFound; Invalid (no connector ip); InvalidVolume
        (the volume is no longer reserved); the service's errors (the
        volume goes back to reserved then)
    """
    if not isinstance(connector, dict) or not connector.get('ip'):
        raise errors.Invalid(reason='connector with an "ip" is required')
    attachment = attachment_db.attachment_get(context, attachment_id)
    volume = volume_api.get(context, attachment['volume_uuid'])
    if volume['status'] == states.RESERVED:
        volume_db.volume_update(context, volume['uuid'],
                                {'status': states.ATTACHING},
                                states.RESERVED)
    elif volume['status'] not in (states.ATTACHING, states.IN_USE):
        raise errors.InvalidVolume(reason='volume %s is %s' % (
            volume['uuid'], volume['status']))
    try:
        info = volume_api.volume_rpcapi().initialize_connection(
            context, volume['host'], volume['uuid'], attachment_id,
            connector)
    except Exception:
        if volume['status'] == states.RESERVED:
            volume_db.volume_update(context, volume['uuid'],
                                    {'status': states.RESERVED},
                                    states.ATTACHING)
        raise
    return attachment_db.attachment_update(context, attachment_id, {
        'connector': connector, 'connection_info': info,
        'attached_host': connector.get('host'),
        'attach_status': ATTACHING})


def attachment_complete(context, attachment_id, mountpoint=None,
                        host=None):
    """The attacher plugged the volume in: attachment ``attached``,
    volume ``in-use``.

    :raises: AttachmentNotFound; InvalidVolume when not attaching
    """
    attachment = attachment_db.attachment_get(context, attachment_id)
    volume_db.volume_update(context, attachment['volume_uuid'], {
        'status': states.IN_USE, 'attach_status': states.ATTACHED},
        (states.ATTACHING, states.IN_USE))
    values = {'attach_status': ATTACHED, 'attach_time': timeutils.utcnow()}
    if mountpoint:
        values['mountpoint'] = mountpoint
    if host:
        values['attached_host'] = host
    return attachment_db.attachment_update(context, attachment_id, values)


def attachment_delete(context, attachment_id):
    """Close the attachment's export (when one is open) and delete it;
    the volume is ``available`` again (``in-use`` while others remain).

    :raises: AttachmentNotFound
    """
    attachment = attachment_db.attachment_get(context, attachment_id)
    volume = volume_api.get(context, attachment['volume_uuid'])
    if attachment.get('export_port') or attachment.get('connection_info'):
        volume_api.volume_rpcapi().terminate_connection(
            context, volume['host'], volume['uuid'], attachment_id)
    attachment_db.attachment_destroy(context, attachment_id, {})


# --- legacy actions (os-reserve ... os-unreserve) -------------------------

def _open_attachments(context, volume_id):
    return attachment_db.attachment_get_all(context, volume_uuid=volume_id,
                                            all_projects=True)


def reserve(context, volume_id):
    """os-reserve: available → attaching, as Cinder's legacy reserve
    does (an attachment without instance holds the reservation)."""
    att = attachment_create(context, volume_id)
    volume_db.volume_update(context, volume_id, {'status': states.ATTACHING},
                            states.RESERVED)
    return att


def unreserve(context, volume_id):
    """os-unreserve: drop the attachments not yet attached; the volume
    is available again (in-use while attached ones remain)."""
    volume_api.get(context, volume_id)
    for att in _open_attachments(context, volume_id):
        if att['attach_status'] in (RESERVED, ATTACHING):
            attachment_delete(context, att['uuid'])


def _pending(context, volume_id):
    for att in _open_attachments(context, volume_id):
        if att['attach_status'] in (RESERVED, ATTACHING):
            return att
    return None


def initialize_connection(context, volume_id, connector):
    """os-initialize_connection: open the export of the volume's pending
    attachment (one is reserved on the fly when none is).

    :returns: the connection info
    """
    att = _pending(context, volume_id) or attachment_create(context,
                                                            volume_id)
    return attachment_update(context, att['uuid'],
                             connector)['connection_info']


def attach(context, volume_id, instance_uuid=None, mountpoint=None,
           host_name=None, mode='rw'):
    """os-attach: the pending attachment is attached to
    ``instance_uuid``; the volume in-use.

    :raises: InvalidVolume when nothing is pending
    """
    att = _pending(context, volume_id) or reserve(context, volume_id)
    attachment_db.attachment_update(context, att['uuid'], {
        'instance_uuid': instance_uuid, 'attach_mode': mode})
    volume_db.volume_update(context, volume_id, {'status': states.ATTACHING},
                            (states.RESERVED, states.ATTACHING,
                             states.IN_USE))
    return attachment_complete(context, att['uuid'], mountpoint, host_name)


def begin_detaching(context, volume_id):
    """os-begin_detaching: in-use → detaching."""
    volume_api.get(context, volume_id)
    volume_db.volume_update(context, volume_id, {'status': states.DETACHING},
                            states.IN_USE)


def roll_detaching(context, volume_id):
    """os-roll_detaching: detaching → in-use."""
    volume_api.get(context, volume_id)
    volume_db.volume_update(context, volume_id, {'status': states.IN_USE},
                            states.DETACHING)


def terminate_connection(context, volume_id, connector):
    """os-terminate_connection: close the exports opened for
    ``connector`` (matched by ``host``, else ``ip``)."""
    volume = volume_api.get(context, volume_id)
    connector = connector if isinstance(connector, dict) else {}
    for att in _open_attachments(context, volume_id):
        seen = att.get('connector') or {}
        if not att.get('export_port') and not att.get('connection_info'):
            continue
        if (connector.get('host') and seen.get('host') ==
                connector.get('host')) or (connector.get('ip') and
                                           seen.get('ip') ==
                                           connector.get('ip')):
            volume_api.volume_rpcapi().terminate_connection(
                context, volume['host'], volume_id, att['uuid'])
            attachment_db.attachment_update(context, att['uuid'],
                                            {'connection_info': None})


def detach(context, volume_id, attachment_id=None):
    """os-detach: delete the attachment (``attachment_id``, else the
    volume's only one); available (or in-use while others remain).

    :raises: InvalidVolume when several attachments and none named
    """
    volume_api.get(context, volume_id)
    atts = _open_attachments(context, volume_id)
    if attachment_id is None:
        if len(atts) != 1:
            raise errors.InvalidVolume(reason='volume %s has %d '
                                       'attachments: name one' % (
                                           volume_id, len(atts)))
        attachment_id = atts[0]['uuid']
    if attachment_id not in [a['uuid'] for a in atts]:
        raise errors.AttachmentNotFound(attachment_id=attachment_id)
    attachment_delete(context, attachment_id)
