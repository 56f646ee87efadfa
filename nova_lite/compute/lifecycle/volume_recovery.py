"""What a restarted compute does with the volume attachments of its
instances (doc/volumes.md, "Sweeper and restarts"): the database (read
through the conductor, RPC 1.16) is the truth, the guests are made to
agree with it, and each attachment's export on the storage node is
checked.

For each attachment of an instance of this host:

* ``attaching`` (this compute had begun the attach, its export is
  open: the call was cut by the restart, and the API answers it 500 or
  has): the disk is unplugged from the guest when it got there, the
  export closed and the attachment deleted (the volume is available
  again; event ``compute_attach_volume`` Error);
* ``reserved`` is left alone: the API's call may be waiting in this
  compute's queue (a call sent while the compute was down is delivered
  when it is back); a call lost before the compute began is released
  by the API when it times out;
* ``attached`` and its volume ``detaching`` (the detach cast was lost):
  the disk is unplugged when still there, the export closed and the
  attachment deleted (the volume is available; event
  ``compute_detach_volume`` Success);
* ``attached`` otherwise: the export is re-opened when its qemu-nbd is
  gone (volume RPC 1.2 ``ensure_export``), and plugged again into a
  guest that lacks it (at its device).

* ``attached`` but owned by another host (``attached_host``: a move cut
  between its steps, e.g. a resize reverted by this restart, a live
  migration rolled back, an evacuation that failed) while the instance
  has no task: the exports are given back to this host only (conductor
  RPC 1.17 ``volume_connections``; doc/volumes.md, "Moves") before the
  checks above.

A volume disk of a guest whose attachment is gone from the database
(released meanwhile, e.g. by the volume sweeper) is unplugged. Guests
that do not exist (the fake driver forgets its guests at a restart) are
left to the power-state sync. When the volume service does not answer,
the remaining exports are not checked (the volume service re-opens its
exports itself when it starts).
"""
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils

LOG = logging.getLogger(__name__)
ATTACH_EVENT = 'compute_attach_volume'
DETACH_EVENT = 'compute_detach_volume'
EXPORT_PREFIX = 'attachment-'


class _Reconciler:
    """One pass over the instances of a restarted compute."""

    def __init__(self, ctxt, manager):
        self.ctxt = ctxt
        self.manager = manager
        self.driver = manager.driver
        self.conductor = manager.conductor
        self.exports_checked = True     # False once the service fails

    def run(self, rows):
        """Reconcile ``rows`` (instance records of this host); the
        number of attachments or disks acted on."""
        if not rows:
            return 0
        by_instance = self.conductor.volume_attachments_of_instances(
            self.ctxt, [row.uuid for row in rows])
        guests = set(self.driver.list_instances())
        acted = 0
        for row in rows:
            atts = by_instance.get(row.uuid) or []
            try:
                plugged = (self.driver.volume_devices(row)
                           if row.uuid in guests else None)
            except NotImplementedError:
                plugged = None
            try:
                acted += self._instance(row, atts, plugged)
            except Exception:  # noqa: BLE001 - one must not stop others
                LOG.exception('Volume reconciliation of %s failed',
                              row.uuid)
        return acted

    def _instance(self, row, atts, plugged):
        acted = self._own(row, atts)
        by_export = {v: k for k, v in (plugged or {}).items()}
        for att in atts:
            dev = by_export.get(EXPORT_PREFIX + att['uuid'])
            if att['attach_status'] == 'reserved':
                continue
            if att['attach_status'] != 'attached':
                self._unplug(row, dev)
                self._attach_interrupted(row, att)
                acted += 1
            elif att['volume_status'] == 'detaching':
                self._unplug(row, dev)
                self._detach_finished(row, att)
                acted += 1
            else:
                acted += self._keep(row, att, plugged, dev)
        known = {EXPORT_PREFIX + att['uuid'] for att in atts}
        for dev, export in sorted((plugged or {}).items()):
            if (export or '').startswith(EXPORT_PREFIX) and \
                    export not in known:
                LOG.warning('Guest %s has %s of gone %s: unplugging it',
                            row.uuid, dev, export)
                self._unplug(row, dev)
                acted += 1
        return acted

    def _own(self, row, atts):
        """Give the exports back to this host when a cut move left them
        with another (module docstring); 1 when it did."""
        if row.task_state is not None or not any(
                att['attach_status'] == 'attached'
                and att.get('attached_host') != self.manager.host
                for att in atts):
            return 0
        LOG.warning('Volumes of %s are owned by another host: giving '
                    'their exports back to %s', row.uuid,
                    self.manager.host)
        try:
            self.conductor.volume_connections(
                self.ctxt, row.uuid, self.manager._connector())
        except Exception as exc:  # noqa: BLE001 - the checks go on
            LOG.warning('Exports of %s not taken back (%s)', row.uuid, exc)
            return 0
        return 1

    def _unplug(self, row, dev):
        if dev:
            self.driver.detach_volume(self.ctxt, row, '/dev/' + dev)

    def _event(self, name, result, details=None):
        return self.manager._event(name, compute_utils.utcnow(), result,
                                   details)

    def _attach_interrupted(self, row, att):
        LOG.warning('Attach of volume %s to %s was cut by a restart: '
                    'undone', att['volume_uuid'], row.uuid)
        self.conductor.volume_attach_failed(
            self.ctxt, row.uuid, att['uuid'], self.manager.host,
            self._event(ATTACH_EVENT, 'Error', 'Attach interrupted: '
                        'compute service on %s restarted'
                        % self.manager.host))

    def _detach_finished(self, row, att):
        LOG.warning('Detach of volume %s from %s was cut by a restart: '
                    'finished', att['volume_uuid'], row.uuid)
        self.conductor.volume_detached(
            self.ctxt, row.uuid, att['uuid'], self.manager.host,
            self._event(DETACH_EVENT, 'Success'))

    def _keep(self, row, att, plugged, dev):
        """An attached volume: its export open, its disk in the guest."""
        if not self.exports_checked:
            return 0
        try:
            info = self.conductor.volume_export_ensure(self.ctxt,
                                                       att['uuid'])
        except Exception as exc:  # noqa: BLE001 - logged, start goes on
            LOG.warning('Export of attachment %s not checked (%s): not '
                        'checking the others', att['uuid'], exc)
            self.exports_checked = False
            return 0
        if plugged is None or dev is not None or \
                row.vm_state == states.RESCUED:
            # A rescue guest has no volume disks: the unrescue's
            # original domain has them.
            return 0
        info.setdefault('data', {}).setdefault('volume_id',
                                               att['volume_uuid'])
        self.driver.attach_volume(self.ctxt, row, info, att['mountpoint'])
        LOG.warning('Guest %s had lost volume %s: plugged again as %s',
                    row.uuid, att['volume_uuid'], att['mountpoint'])
        return 1


def reconcile(ctxt, manager, rows):
    """Reconcile the volume attachments of ``rows`` (the instance
    records of this host) with their guests (module docstring); the
    number of attachments or disks acted on. Never raises."""
    try:
        return _Reconciler(ctxt, manager).run(rows)
    except Exception:  # noqa: BLE001 - the compute must start anyway
        LOG.exception('Volume reconciliation of host %s failed',
                      manager.host)
        return 0
