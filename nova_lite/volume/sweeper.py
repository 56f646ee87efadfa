"""Recovery of a volume service's transitional states (doc/volumes.md,
"Sweeper").

- ``sweep`` (every ``[volume] sweep_interval`` seconds): a volume of
  this host whose status has been ``creating``, ``attaching``,
  ``detaching``, ``deleting`` or ``extending`` for longer than
  ``[volume] transition_timeout`` seconds goes to ``error``; a
  ``detaching`` one none of whose attachments has an open export goes
  back to ``available`` when it has no live attachment, ``in-use``
  when it has.
- ``reconcile_exports`` (at service start): an export whose attachment
  is gone is closed; a live attachment whose export was open (it has a
  port) but whose qemu-nbd is gone is exported again.
"""
import datetime

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils

from nova_lite.volume import errors
from nova_lite.volume import states
from nova_lite.volume import store

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def sweep(context, host, exporter):
    """One sweep of ``host``'s stuck volumes; the number moved."""
    before = timeutils.utcnow() - datetime.timedelta(
        seconds=CONF.volume.transition_timeout)
    moved = 0
    for volume in store.volumes_stuck(context, states.TRANSITIONAL, before):
        if volume['host'] not in (host, None):
            continue
        values = {'status': states.ERROR}
        if volume['status'] == states.DETACHING:
            attachments = [a for a in store.attachments_of_host(
                context, host) if a['volume_uuid'] == volume['uuid']]
            if not any(exporter.pid(a['uuid']) for a in attachments):
                values = {'status': states.IN_USE if attachments
                          else states.AVAILABLE}
        try:
            store.volume_update(context, volume['uuid'], values,
                                volume['status'])
        except errors.VolumeError:
            continue  # it moved on meanwhile
        LOG.warning('Volume %s stuck in %s for more than %d s: now %s',
                    volume['uuid'], volume['status'],
                    CONF.volume.transition_timeout, values['status'])
        moved += 1
    return moved


def reconcile_exports(context, manager):
    """Close orphan exports, re-open lost ones (module docstring)."""
    live = {a['uuid']: a for a in store.attachments_of_host(
        context, manager.host)}
    for attachment_uuid in manager.exporter.open_exports():
        if attachment_uuid not in live:
            LOG.info('Closing the export of gone attachment %s',
                     attachment_uuid)
            manager.exporter.close(attachment_uuid)
    for attachment in live.values():
        if not attachment.get('export_port') or \
                manager.exporter.pid(attachment['uuid']):
            continue
        try:
            manager.initialize_connection(
                context, attachment['volume_uuid'], attachment['uuid'],
                attachment.get('connector') or {})
        except errors.VolumeError as exc:
            LOG.error('Re-opening the export of attachment %s failed: %s',
                      attachment['uuid'], exc.format_message())
