"""The compute side of shelve, shelve offload and unshelve (compute RPC
API 1.7; doc/lifecycle-shelve.md), mixed into
``nova_lite.compute.manager.ComputeManager`` as ``ShelveMixin``.

Every step runs under the per-instance lock and only while the instance
has the step's task state (a repeated or late cast does nothing):

====================  ============================  ==================
step                  task states                   vm_state after
====================  ============================  ==================
shelve                shelving, shelving_image_     SHELVED (guest
                      pending_upload, shelving_     off, kept here)
                      image_uploading
offload               shelving_offloading           SHELVED_OFFLOADED
unshelve (SHELVED)    unshelving                    ACTIVE (kept guest
                                                    powered on)
unshelve (offloaded)  unshelving → spawning         ACTIVE (new guest
                                                    from the image)
====================  ============================  ==================

Shelve powers the guest off and uploads its root disk into the queued
image the API created (``<name>-shelved``, the snapshot path of
``compute.lifecycle.snapshot``); then, with ``[DEFAULT]
shelved_offload_time`` 0, the instance is offloaded at once. Offload
destroys the guest and its files, and the conductor releases the claim
and clears host and node in one transaction (fixed IPs are kept). An
unshelve deletes the shelved image once the server is ACTIVE.

Volumes (doc/volumes.md, "Moves"): a server booted from a volume is
offloaded at once without an image (Nova's volume-backed shelve: the
API sends the offload; its root stays on the volume); an offload closes
the exports of the server's volumes (the attachments are kept, without
a host) and an unshelve opens them again for its new host, which
spawns the guest with them (from the root volume when it boots from
one).

Failures: a failed shelve deletes the image, powers a guest that was
ACTIVE on again, and leaves the server ACTIVE (guest running) or
STOPPED, with a fault; a failed offload clears the task (still SHELVED);
a failed unshelve of a kept guest clears the task (still SHELVED); a
failed spawn removes what was made and the server goes back to
SHELVED_OFFLOADED (claim released) with a fault.
"""
from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.compute import lifecycle
from nova_lite.compute.lifecycle import recovery as lifecycle_recovery
from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite import notifications
from nova_lite.virt import configdrive

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
SHELVE_EVENT = 'compute_shelve_instance'
OFFLOAD_EVENT = 'compute_shelve_offload_instance'
UNSHELVE_EVENT = 'compute_unshelve_instance'
#: The snapshot task states a driver reports → those of a shelve.
_SHELVE_TASKS = {
    states.IMAGE_PENDING_UPLOAD: states.SHELVING_IMAGE_PENDING_UPLOAD,
    states.IMAGE_UPLOADING: states.SHELVING_IMAGE_UPLOADING,
}
#: Values that clear what a shelve recorded (an unshelve's end).
UNSHELVED = {'shelved_at': None, 'shelved_image_id': None,
             'shelved_host': None}


def _fault(exc, what, host):
    return {'code': compute_utils.fault_code(exc),
            'message': '%s on host %s failed: %s' % (what, host, exc)}


class ShelveMixin:
    """Shelve RPC methods of the compute manager (it provides
    ``driver``, ``conductor``, ``host``, ``power``, ``build_flow``,
    ``_instance``, ``_event``, ``compute.network_sync``'s
    ``_network_plug``/``_network_unplug``/``_network_nat`` and the
    snapshot mixin's ``_delete_image``)."""

    # -------------------------------------------------------------- shelve

    def shelve_instance(self, context, instance_uuid, image_id):
        """Cast target (1.7): power off, upload the disk into
        ``image_id`` → SHELVED; offload at once when ``[DEFAULT]
        shelved_offload_time`` is 0. Never raises."""
        start = compute_utils.utcnow()
        with lifecycle.instance_lock(instance_uuid):
            found = self._found(context, instance_uuid, states.SHELVING)
            if found is None:
                return
            instance, network_info = found
            notifications.instance_action(
                context, instance, 'instance.shelve.start', self.host,
                network_info=network_info)
            try:
                power_state = self._shelve(context, instance, image_id,
                                           start)
            except lifecycle.TaskLost:
                LOG.info('Shelve of %s stopped: the instance changed',
                         instance_uuid)
                self._delete_image(context, image_id)
                return
            except Exception as exc:  # noqa: BLE001 - recorded as a fault
                LOG.exception('Shelve of %s failed', instance_uuid)
                self._shelve_failed(context, instance, image_id, exc, start)
                return
            notifications.instance_action(
                context, instance, 'instance.shelve.end', self.host,
                network_info=network_info, state=states.SHELVED,
                task_state=None,
                power_state=states.POWER_STATE_NAMES.get(power_state))
        LOG.info('Instance %s shelved into image %s', instance_uuid,
                 image_id)
        if CONF.shelved_offload_time == 0:
            self.offload_if_shelved(context, instance_uuid)

    def _found(self, context, instance_uuid, task_state):
        """(Instance, [VIF]) when the instance has ``task_state``, else
        None (gone, or a repeated or late cast)."""
        try:
            found = self._instance(context, instance_uuid, with_network=True)
        except exception.InstanceNotFound:
            return None
        if found['instance'].task_state != task_state:
            LOG.info('Skipping %s of %s: task_state is %s', task_state,
                     instance_uuid, found['instance'].task_state)
            return None
        return found['instance'], found['network_info']

    def _shelve_task(self, context, instance, task_state, expected):
        """:raises: lifecycle.TaskLost unless the task was ``expected``"""
        if not self.conductor.instance_update(
                context, instance.uuid, {'task_state': task_state},
                expected={'task_state': expected, 'host': self.host},
                wait=True):
            raise lifecycle.TaskLost(instance.uuid)

    def _shelve(self, context, instance, image_id, start):
        """The steps of a shelve; returns the power state written."""
        self.driver.power_off(instance)
        self._shelve_task(context, instance,
                          states.SHELVING_IMAGE_PENDING_UPLOAD,
                          states.SHELVING)

        def update_task_state(task_state, expected_state):
            self._shelve_task(context, instance, _SHELVE_TASKS[task_state],
                              _SHELVE_TASKS[expected_state])

        self.driver.snapshot(context, instance, image_id, update_task_state)
        power_state = self.power._power_state(instance)
        if not self.conductor.instance_shelved(
                context, instance.uuid, self.host, image_id, power_state,
                self._event(SHELVE_EVENT, start)):
            raise lifecycle.TaskLost(instance.uuid)
        return power_state

    def _shelve_failed(self, context, instance, image_id, exc, start):
        """Image deleted; a guest that was ACTIVE powered on again (best
        effort); ACTIVE when it runs, else STOPPED; fault, Error event."""
        self._delete_image(context, image_id)
        if instance.vm_state == states.ACTIVE:
            try:
                self.driver.power_on(context, instance, [])
            except Exception:  # noqa: BLE001 - the state says where it is
                LOG.exception('Guest of %s not powered on again',
                              instance.uuid)
        power_state = self.power._power_state(instance)
        fault = _fault(exc, 'Shelve', self.host)
        self.conductor.instance_action_failed(
            context, instance.uuid,
            {'task_state': None, 'power_state': power_state,
             'vm_state': states.ACTIVE if power_state == states.RUNNING
             else states.STOPPED, **UNSHELVED},
            {'task_state': list(states.SHELVING_TASKS)}, self.host, fault,
            self._event(SHELVE_EVENT, start, 'Error', fault['message']))
        notifications.compute_exception(context, exc, self.host)

    # ------------------------------------------------------------- offload

    def offload_if_shelved(self, context, instance_uuid):
        """SHELVED with no task → ``shelving_offloading`` on this host by
        a conditional write (an unshelve that started first wins), then
        offload it. Returns True when it was offloaded."""
        if not self.conductor.instance_update(
                context, instance_uuid,
                {'task_state': states.SHELVING_OFFLOADING},
                expected={'vm_state': states.SHELVED, 'task_state': None,
                          'host': self.host}, wait=True):
            return False
        return self.shelve_offload_instance(context, instance_uuid)

    def shelve_offload_instance(self, context, instance_uuid):
        """Cast target (1.7): destroy the guest of a SHELVED instance →
        SHELVED_OFFLOADED (no host, claim released, fixed IPs kept).
        Returns True when done; never raises."""
        start = compute_utils.utcnow()
        with lifecycle.instance_lock(instance_uuid):
            found = self._found(context, instance_uuid,
                                states.SHELVING_OFFLOADING)
            if found is None:
                return False
            instance, network_info = found
            notifications.instance_action(
                context, instance, 'instance.shelve_offload.start',
                self.host, network_info=network_info)
            try:
                self.driver.destroy(context, instance, network_info)
            except Exception as exc:  # noqa: BLE001 - recorded as a fault
                LOG.exception('Offload of %s failed', instance_uuid)
                fault = _fault(exc, 'Shelve offload', self.host)
                self.conductor.instance_action_failed(
                    context, instance_uuid, {'task_state': None},
                    {'task_state': states.SHELVING_OFFLOADING}, self.host,
                    fault, self._event(OFFLOAD_EVENT, start, 'Error',
                                       fault['message']))
                notifications.compute_exception(context, exc, self.host)
                return False
            self._network_unplug(instance_uuid, network_info)
            self._volumes_disconnect(context, instance_uuid)
            done = self.conductor.instance_offloaded(
                context, instance_uuid, self.host,
                states.SHELVING_OFFLOADING,
                event=self._event(OFFLOAD_EVENT, start))
            notifications.instance_action(
                context, instance, 'instance.shelve_offload.end', self.host,
                network_info=network_info, state=states.SHELVED_OFFLOADED,
                task_state=None, power_state='pending', host=None,
                node=None)
        LOG.info('Instance %s offloaded from %s', instance_uuid, self.host)
        return done

    def offload_shelved_instances(self):
        """Periodic (``[compute] shelved_poll_interval``): offload the
        SHELVED instances of this host kept longer than ``[DEFAULT]
        shelved_offload_time`` (> 0) seconds (Nova's
        ``_poll_shelved_instances``).

        :returns: how many were offloaded (int)
        """
        ctxt = nl_context.get_admin_context()
        count = 0
        for uuid in self.conductor.instances_to_offload(ctxt, self.host):
            try:
                count += bool(self.offload_if_shelved(ctxt, uuid))
            except Exception:  # noqa: BLE001 - the next pass tries again
                LOG.exception('Offload of %s failed', uuid)
        return count

    # ------------------------------------------------------------ unshelve

    def unshelve_instance(self, context, instance_uuid, image_id=None):
        """Cast target (1.7): power on the kept guest of a SHELVED
        instance, or spawn an offloaded instance placed on this host from
        its shelved image ``image_id``; → ACTIVE, then the shelved image
        is deleted. Never raises."""
        start = compute_utils.utcnow()
        with lifecycle.instance_lock(instance_uuid):
            found = self._found(context, instance_uuid, states.UNSHELVING)
            if found is None:
                return
            instance, network_info = found
            image_id = image_id or instance.shelved_image()
            notifications.instance_action(
                context, instance, 'instance.unshelve.start', self.host,
                network_info=network_info)
            if instance.vm_state == states.SHELVED:
                done = self._unshelve_kept(context, instance, network_info,
                                           start)
            elif instance.host == self.host and (
                    image_id or not instance.image_ref):
                # No image_ref: it boots from a volume (no shelved image).
                done = self._unshelve_spawn(context, instance, image_id,
                                            network_info, start)
            else:
                LOG.warning('Unshelve of %s (%s on %s) is not for %s',
                            instance_uuid, instance.vm_state,
                            instance.host, self.host)
                return
            if not done:
                return
            notifications.instance_action(
                context, instance, 'instance.unshelve.end', self.host,
                network_info=network_info, state=states.ACTIVE,
                task_state=None, power_state='running', host=self.host)
        if image_id:
            self._delete_image(context, image_id)
        LOG.info('Instance %s unshelved on %s', instance_uuid, self.host)

    def _active(self, context, instance, expected_task, start):
        """ACTIVE with the driver's power state, shelve values cleared,
        when the task is still ``expected_task``; True when it matched."""
        return self.conductor.instance_update(
            context, instance.uuid,
            dict(UNSHELVED, vm_state=states.ACTIVE, task_state=None,
                 power_state=self.power._power_state(instance)),
            expected={'task_state': expected_task, 'host': self.host},
            host=self.host, event=self._event(UNSHELVE_EVENT, start),
            wait=True)

    def _unshelve_kept(self, context, instance, network_info, start):
        """The guest is still here (SHELVED): power it on."""
        try:
            self.driver.power_on(context, instance, network_info)
        except Exception as exc:  # noqa: BLE001 - recorded as a fault
            LOG.exception('Unshelve of %s failed', instance.uuid)
            fault = _fault(exc, 'Unshelve', self.host)
            self.conductor.instance_action_failed(
                context, instance.uuid, {'task_state': None},
                {'task_state': states.UNSHELVING}, self.host, fault,
                self._event(UNSHELVE_EVENT, start, 'Error',
                            fault['message']))
            notifications.compute_exception(context, exc, self.host)
            return False
        return self._active(context, instance, states.UNSHELVING, start)

    def _unshelve_spawn(self, context, instance, image_id, network_info,
                        start):
        """An offloaded instance placed here: spawn it from the shelved
        image (its fixed IPs were kept: the same NICs)."""
        if not self.conductor.instance_update(
                context, instance.uuid, {'task_state': states.SPAWNING},
                expected={'task_state': states.UNSHELVING,
                          'vm_state': states.SHELVED_OFFLOADED,
                          'host': self.host}, wait=True):
            return False
        try:
            guest_data = self.conductor.guest_data_get(
                context, instance.uuid) if configdrive.wanted(instance) \
                else None
            self._network_plug(context, instance, network_info)
            volumes = self._volumes_reopened(context, instance.uuid)
            image_meta = self._volumes_image(context, image_id, volumes)
            self._spawn_with_volumes(context, instance, image_meta,
                                   network_info, guest_data, volumes)
        except Exception as exc:  # noqa: BLE001 - recorded as a fault
            LOG.exception('Unshelve of %s failed', instance.uuid)
            self._unspawn(context, instance, network_info)
            self._volumes_disconnect(context, instance.uuid)
            fault = _fault(exc, 'Unshelve', self.host)
            self.conductor.instance_offloaded(
                context, instance.uuid, self.host, states.SPAWNING,
                fault=fault, event=self._event(UNSHELVE_EVENT, start,
                                               'Error', fault['message']))
            notifications.compute_exception(context, exc, self.host)
            return False
        if not self._active(context, instance, states.SPAWNING, start):
            return False
        self._network_nat(context, instance.uuid)
        return True

    def _unspawn(self, context, instance, network_info):
        """Remove what a failed or interrupted unshelve made here."""
        try:
            self.driver.destroy(context, instance, network_info)
        except Exception:  # noqa: BLE001 - cleanup is best effort
            LOG.exception('Cleanup of %s failed', instance.uuid)
        self._network_unplug(instance.uuid, network_info)


# ------------------------------------------------------------- recovery

def _abort_shelve(ctxt, manager, row):
    """A shelve was cut (the cast is gone): its image deleted (the one
    the API recorded, and any other unfinished snapshot of the
    instance), a guest that was ACTIVE powered on again, the task
    cleared with a fault; ACTIVE when the guest runs, else STOPPED."""
    image_id = row.shelved_image()
    if image_id:
        manager._delete_image(ctxt, image_id)
    lifecycle_recovery.delete_unfinished_images(ctxt, manager, row.uuid)
    if row.vm_state == states.ACTIVE:
        try:
            manager.driver.power_on(ctxt, row, [])
        except Exception:  # noqa: BLE001 - the state says where it is
            LOG.exception('Guest of %s not powered on again', row.uuid)
    power_state = manager.power._power_state(row)
    manager.conductor.instance_action_failed(
        ctxt, row.uuid,
        dict(UNSHELVED, task_state=None, power_state=power_state,
             vm_state=states.ACTIVE if power_state == states.RUNNING
             else states.STOPPED),
        {'task_state': row.task_state}, manager.host,
        {'code': 500, 'message': 'Shelve interrupted: compute service on '
         '%s restarted' % manager.host}, None)


def _redo_offload(ctxt, manager, row):
    """An offload was cut: do it again (destroy is repeat-safe)."""
    manager.shelve_offload_instance(ctxt, row.uuid)


def _redo_unshelve(ctxt, manager, row):
    """An unshelve whose cast was lost (the kept guest not powered on
    yet, or an offloaded server placed here but not spawned): run it
    again."""
    manager.unshelve_instance(ctxt, row.uuid, row.shelved_image())


def _fail_unshelve(ctxt, manager, row):
    """An unshelve was cut while spawning: what was made here is
    removed, SHELVED_OFFLOADED again (claim released) with a fault."""
    manager._unspawn(ctxt, row, [])
    manager._volumes_disconnect(ctxt, row.uuid)
    manager.conductor.instance_offloaded(
        ctxt, row.uuid, manager.host, states.SPAWNING,
        fault={'code': 500, 'message': 'Unshelve interrupted: compute '
               'service on %s restarted' % manager.host})


#: (vm_state, task_state) → action at compute start-up (merged into
#: ``compute.recovery.RECOVERY``; doc/admin/recovery.md).
RECOVERY = {
    (states.SHELVED, states.SHELVING_OFFLOADING): _redo_offload,
    (states.SHELVED, states.UNSHELVING): _redo_unshelve,
    (states.SHELVED_OFFLOADED, states.UNSHELVING): _redo_unshelve,
    (states.SHELVED_OFFLOADED, states.SPAWNING): _fail_unshelve,
}
RECOVERY.update({(vm_state, task): _abort_shelve
                 for vm_state in (states.ACTIVE, states.STOPPED,
                                  states.VM_PAUSED, states.VM_SUSPENDED)
                 for task in states.SHELVING_TASKS})
# A volume-backed shelve is an offload from the server's own state.
RECOVERY.update({(vm_state, states.SHELVING_OFFLOADING): _redo_offload
                 for vm_state in (states.ACTIVE, states.STOPPED,
                                  states.VM_PAUSED, states.VM_SUSPENDED)})
