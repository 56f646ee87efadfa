"""The compute's rescue and unrescue (RPC 1.8 ``rescue_instance``,
``unrescue_instance``; doc/lifecycle-rescue.md).

``RescueMixin`` is mixed into ``nova_lite.compute.manager.
ComputeManager``. Each action runs under the per-instance lock, only
while the instance still has the action's task_state (a duplicate or
late cast is skipped), with instance.<rescue|unrescue>.start/.end
(Nova's; a rescue's payload is InstanceActionRescuePayload with
``rescue_image_ref``, the image the rescue guest boots), instance.update
and the action event ``compute_<action>_instance``:

=========  ============  ==============  =================
action     task_state    vm_state after  power_state after
=========  ============  ==============  =================
rescue     rescuing      RESCUED         running (1)
unrescue   unrescuing    ACTIVE          running (1)
=========  ============  ==============  =================

A driver failure puts the server in ERROR with an instance fault, as
Nova's compute does (``_error_out_instance_on_exception``); the drivers
put the original guest back (powered off) first, so a hard reboot, a
rebuild or another rescue can follow. The claim, fixed IPs and quotas
never change.

The rescue password crosses the bus in the cast only (Nova does not
store it either). The API always sends one (a generated one when the
request has none), so a cast without one is the conductor sweeper's
re-drive of a rescue whose cast was lost: the compute then ends the
rescue with a fault rather than boot a guest whose password its user
was never told (``RECOVERY`` and ``ACTION_CASTS`` below).
"""
from oslo_log import log as logging

from nova_lite.compute import lifecycle
from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite import exception
from nova_lite import notifications
from nova_lite.virt import configdrive

LOG = logging.getLogger(__name__)


class RescueMixin:
    """``rescue_instance`` and ``unrescue_instance`` of
    ``ComputeManager`` (it provides ``driver``, ``conductor``, ``host``,
    ``power``, ``_instance``, ``_event`` and ``_rebuild_image_api``)."""

    def rescue_instance(self, context, instance_uuid, rescue_password=None,
                        rescue_image_ref=None):
        """Cast target (1.8): boot the guest from ``rescue_image_ref``
        (None: the instance's ``image_ref``) with its root disk second →
        RESCUED; never raises. ``rescue_password`` None (the sweeper's
        re-drive of a lost cast) ends the rescue with a fault."""
        if rescue_password is None:
            self._step(context, instance_uuid, states.RESCUING, None,
                       'rescue', self._lost_rescue)
            return

        def rescue(instance, network_info):
            image_meta = self._rebuild_image_api().get(
                context, rescue_image_ref or instance.image_ref)
            self.driver.rescue(
                context, instance, network_info, image_meta,
                rescue_password, guest_data=self._rescue_guest_data(
                    context, instance, rescue_password))
        self._step(context, instance_uuid, states.RESCUING, states.RESCUED,
                   'rescue', rescue, rescue_image_ref=rescue_image_ref)

    def unrescue_instance(self, context, instance_uuid):
        """Cast target (1.8): the original guest back and started →
        ACTIVE (repeat-safe); never raises."""
        self._step(context, instance_uuid, states.UNRESCUING, states.ACTIVE,
                   'unrescue', lambda inst, nw: self.driver.unrescue(
                       context, inst, nw))

    def _rescue_guest_data(self, context, instance, rescue_password):
        """The guest data of the rescue guest's config drive (the
        instance's, with ``admin_pass`` the rescue password), or None
        when the instance has no config drive."""
        if not configdrive.wanted(instance):
            return None
        guest_data = self.conductor.guest_data_get(context, instance.uuid)
        if guest_data is None:
            return None
        return dict(guest_data, admin_pass=rescue_password)

    def _lost_rescue(self, instance, network_info):
        """A re-driven rescue: the password is gone with the lost cast."""
        raise LostRescue(self.host)

    def _step(self, context, instance_uuid, task, vm_state, name, action,
              rescue_image_ref=None):
        """Run ``action(instance, network_info)`` under the lock while
        the instance is in ``task``; then ``vm_state`` with the driver's
        power state, or ``_step_failed``. A rescue's notifications name
        ``rescue_image_ref`` (None: the instance's image)."""
        start = compute_utils.utcnow()
        with lifecycle.instance_lock(instance_uuid):
            try:
                found = self._instance(context, instance_uuid,
                                       with_network=True)
            except exception.InstanceNotFound:
                return
            instance, network_info = found['instance'], \
                found['network_info']
            if instance.task_state != task:
                LOG.info('Skipping %s of %s: task_state is %s', name,
                         instance_uuid, instance.task_state)
                return
            extra = {}
            if name == 'rescue':
                extra['rescue_image_ref'] = (rescue_image_ref or
                                             instance.image_ref)
            notifications.instance_action(
                context, instance, 'instance.%s.start' % name, self.host,
                network_info=network_info, **extra)
            try:
                action(instance, network_info)
            except Exception as exc:  # noqa: BLE001 - recorded as a fault
                self._step_failed(context, instance, task, name, exc, start)
                return
            self._step_done(context, instance, network_info, task, vm_state,
                            name, start, extra)

    def _step_done(self, context, instance, network_info, task, vm_state,
                   name, start, extra):
        power_state = self.power.record(
            context, instance, task, vm_state,
            event=self._event('compute_%s_instance' % name, start))
        done = dict(state=vm_state, task_state=None,
                    power_state=states.POWER_STATE_NAMES.get(power_state))
        notifications.instance_update(context, instance, self.host,
                                      instance.vm_state, task,
                                      network_info=network_info, **done)
        notifications.instance_action(
            context, instance, 'instance.%s.end' % name, self.host,
            network_info=network_info, **done, **extra)
        LOG.info('%s of %s done: %s', name.capitalize(), instance.uuid,
                 vm_state)

    def _step_failed(self, context, instance, task, name, exc, start):
        """ERROR with a fault (a lost rescue: the task cleared, the
        vm_state kept), the action event an Error."""
        values = {'task_state': None,
                  'power_state': self.power._power_state(instance)}
        if isinstance(exc, LostRescue):
            LOG.warning('Rescue of %s was re-driven: its cast was lost',
                        instance.uuid)
            message = str(exc)
        else:
            LOG.exception('%s of %s failed', name.capitalize(),
                          instance.uuid)
            notifications.compute_exception(context, exc, self.host)
            values['vm_state'] = states.ERROR
            message = '%s on host %s failed: %s' % (name.capitalize(),
                                                    self.host, exc)
        self.conductor.instance_action_failed(
            context, instance.uuid, values, {'task_state': task}, self.host,
            {'code': compute_utils.fault_code(exc), 'message': message},
            self._event('compute_%s_instance' % name, start, 'Error',
                        message))


class LostRescue(Exception):
    """A rescue cast was lost and re-driven without its password."""

    code = 409

    def __init__(self, host):
        super().__init__('Rescue request lost before compute %s started '
                         'it: rescue the server again' % host)


# ------------------------------------------------------------- recovery

def _abort_rescue(ctxt, manager, row):
    """A rescue was cut at a compute restart: the original guest is put
    back (started if the server was ACTIVE, else left off), the task
    cleared with a fault, the vm_state kept; ERROR when the original
    guest cannot be put back."""
    values = {'task_state': None}
    message = 'Rescue interrupted: compute service on %s restarted' % \
        manager.host
    try:
        manager.driver.unrescue(ctxt, row, [],
                                power_on=row.vm_state == states.ACTIVE)
    except Exception as exc:  # noqa: BLE001 - recorded as the fault
        LOG.exception('Original guest of %s not put back', row.uuid)
        values['vm_state'] = states.ERROR
        message += '; the original guest could not be put back: %s' % exc
    values['power_state'] = manager.power._power_state(row)
    manager.conductor.instance_action_failed(
        ctxt, row.uuid, values, {'task_state': states.RESCUING},
        manager.host, {'code': 500, 'message': message},
        manager._event('compute_rescue_instance', compute_utils.utcnow(),
                       'Error', message))


def _redo_unrescue(ctxt, manager, row):
    """An unrescue was cut: run it again (repeat-safe) → ACTIVE."""
    manager.unrescue_instance(ctxt, row.uuid)


def _finish_delete(ctxt, manager, row):
    """A delete of a rescued server was cut: do it again."""
    manager.terminate_instance(ctxt, row.uuid)


#: (vm_state, task_state) → action at compute start-up (merged into
#: ``compute.recovery.RECOVERY``; doc/admin/recovery.md).
RECOVERY = {
    (states.RESCUED, states.UNRESCUING): _redo_unrescue,
    (states.RESCUED, states.DELETING): _finish_delete,
}
RECOVERY.update({(vm_state, states.RESCUING): _abort_rescue
                 for vm_state in (states.ACTIVE, states.STOPPED,
                                  states.ERROR)})

#: task_state → cast of a lost action (merged into the conductor
#: sweeper's re-drive table). A rescue is re-driven without its
#: password: the compute ends it with a fault (see the module doc).
ACTION_CASTS = {
    states.RESCUING: lambda api, ctxt, host, uuid:
        api.rescue_instance(ctxt, host, uuid, None),
    states.UNRESCUING: lambda api, ctxt, host, uuid:
        api.unrescue_instance(ctxt, host, uuid),
}
