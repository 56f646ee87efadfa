"""Power state bookkeeping: after actions, on lifecycle events and in the
periodic ``sync_power_states`` (which writes only on change).

Reads are conductor calls, the conditional writes conductor casts (the
conductor runs the same conditional UPDATE; nobody here needs to know
whether it matched).
"""
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite import metrics
from nova_lite.objects import instance as instance_obj
from nova_lite.virt import driver as virt_driver

LOG = logging.getLogger(__name__)

_EVENT_POWER = {virt_driver.EVENT_STARTED: states.RUNNING,
                virt_driver.EVENT_STOPPED: states.SHUTDOWN,
                virt_driver.EVENT_CRASHED: states.CRASHED}


class PowerSync:
    """Keeps ``power_state`` (and ACTIVE/STOPPED) in line with the
    hypervisor for the instances of one host."""

    def __init__(self, host, driver, conductor):
        self.host = host
        self.driver = driver
        self.conductor = conductor
        self.stopping = False

    def stop(self):
        """The service is stopping: write no power state from now on.

        A host going down takes its guests with it (a lab node's halt
        stops the guests' machine scopes while it stops the compute): a
        guest seen dying then was not stopped by its user, and an
        evacuation or the next start of the service settles it. Nova's
        compute unregisters its lifecycle listener first thing in
        ``cleanup_host`` for the same reason."""
        self.stopping = True

    def _power_state(self, instance):
        try:
            return self.driver.get_info(instance).state
        except exception.InstanceNotFound:
            return states.NOSTATE

    def record(self, context, instance, task_state, vm_state, event=None):
        """End an action: clear ``task_state``, set the power state the
        driver reports and, on success, ``vm_state``; then record
        ``event`` (a dict as ``ConductorAPI.instance_update`` takes it).
        A cast; returns the power state written (int)."""
        values = {'task_state': None,
                  'power_state': self._power_state(instance)}
        if vm_state:
            values['vm_state'] = vm_state
        self.conductor.instance_update(
            context, instance.uuid, values,
            expected={'task_state': task_state}, host=self.host,
            event=event)
        return values['power_state']

    def handle_event(self, event):
        """Lifecycle event from the driver (any thread).

        The event only says that something changed: events are delivered
        late, so a "stopped" from the middle of a reboot can arrive after
        the reboot has finished and cleared ``task_state``. The state
        written is the one the driver reports now, read after the
        instance's row, never the event's own (Nova's libvirt driver
        delays "stopped" events for the same reason).
        """
        if _EVENT_POWER.get(event.transition) is None:
            return
        ctxt = nl_context.get_admin_context()
        row = self.conductor.instance_states_get(ctxt, event.uuid)
        if row is None or row.task_state is not None:
            return
        # Drivers look a guest up by its uuid.
        power_state = self._power_state(instance_obj.Instance(uuid=row.uuid))
        self._sync_one(ctxt, row, power_state)

    def sync_power_states(self):
        """Compare every instance of the host with the hypervisor."""
        ctxt = nl_context.get_admin_context()
        changed = 0
        for row in self.conductor.instances_on_host(ctxt, self.host):
            changed += self._sync_one(ctxt, row, self._power_state(row))
        return changed

    def _sync_one(self, ctxt, row, power_state):
        """Write the power state if it changed and no task is running;
        a guest found shut off while ACTIVE becomes STOPPED. A cast: 1
        when a write was sent, else 0."""
        if self.stopping:
            return 0
        if row.task_state is not None or row.power_state == power_state:
            return 0
        if row.vm_state not in (states.ACTIVE, states.STOPPED):
            return 0
        values = {'power_state': power_state}
        if row.vm_state == states.ACTIVE and power_state in (
                states.SHUTDOWN, states.CRASHED):
            values['vm_state'] = states.STOPPED
        self.conductor.instance_update(
            ctxt, row.uuid, values,
            expected={'task_state': None, 'vm_state': row.vm_state})
        LOG.info('Instance %s power state %s → %s', row.uuid,
                 row.power_state, power_state)
        metrics.POWER_SYNC_CORRECTIONS.inc()
        return 1
