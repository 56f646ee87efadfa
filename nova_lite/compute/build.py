"""The compute's build flow: spawn a claimed instance, or reschedule.

Runs in a build-executor thread under the instance lock and the build
semaphore (see ``manager.ComputeManager.build_and_run_instance``).
"""
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite.db import actions as action_db
from nova_lite.db import instance_faults as fault_db
from nova_lite.db import instances as instance_db
from nova_lite import exception
from nova_lite.image import api as image_api
from nova_lite import metrics
from nova_lite.network import api as network_api

LOG = logging.getLogger(__name__)
EVENT = 'compute_build_and_run_instance'


class BuildFlow:
    """Build steps of one compute host."""

    def __init__(self, host, driver, conductor_rpcapi):
        self.host = host
        self.driver = driver
        self.conductor = conductor_rpcapi
        self.image_api = image_api.API()

    def run(self, context, instance, request_spec, alternates):
        """Build ``instance``; never raises."""
        start = compute_utils.utcnow()
        if not self._start_spawning(context, instance):
            return
        try:
            network_info = network_api.allocate_for_instance(context,
                                                             instance)
            image_meta = self._image_meta(context, instance, request_spec)
            with metrics.SPAWN_SECONDS.time():
                self.driver.spawn(context, instance, image_meta, network_info)
        except Exception as exc:  # noqa: BLE001 - every failure is handled
            LOG.warning('Build of %s failed on %s: %s', instance.uuid,
                        self.host, exc)
            self._cleanup(context, instance)
            self._reschedule_or_fail(context, instance, request_spec,
                                     alternates, exc, start)
            return
        self._finish(context, instance, start)

    def reject(self, context, instance, request_spec, alternates, exc):
        """Refuse a build this host cannot start (e.g. its queue is full):
        reschedule to an alternate or fail it."""
        start = compute_utils.utcnow()
        if self._start_spawning(context, instance):
            self._cleanup(context, instance)
            self._reschedule_or_fail(context, instance, request_spec,
                                     alternates, exc, start)

    def _start_spawning(self, context, instance):
        try:
            instance_db.instance_update(
                context, instance.uuid, {'task_state': states.SPAWNING},
                expected_task_state=None, expected_vm_state=states.BUILDING,
                expected_host=self.host)
            return True
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError) as exc:
            LOG.info('Not building %s: %s', instance.uuid, exc)
            return False

    def _image_meta(self, context, instance, request_spec):
        if request_spec.image is not None:
            return request_spec.image
        return self.image_api.get(context, instance.image_ref)

    def _cleanup(self, context, instance):
        try:
            self.driver.destroy(context, instance, [])
        except Exception:  # noqa: BLE001 - cleanup is best effort
            LOG.exception('Cleanup of %s failed', instance.uuid)
        compute_utils.release_resources(context, instance.uuid)

    def _finish(self, context, instance, start):
        try:
            instance_db.instance_update(
                context, instance.uuid,
                {'vm_state': states.ACTIVE, 'task_state': None,
                 'power_state': states.RUNNING,
                 'launched_at': compute_utils.utcnow()},
                expected_task_state=states.SPAWNING)
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError):
            self._lost_race(context, instance)
            return
        action_db.action_event_record(context, instance.uuid, EVENT, 'Success',
                                      self.host, start, finish_action=True)
        LOG.info('Instance %s is ACTIVE on %s', instance.uuid, self.host)
        metrics.build_active(instance)

    def _lost_race(self, context, instance):
        """The instance changed while spawning: a delete (which waits on
        our lock and cleans up) or the sweeper (we clean up)."""
        ctxt = context.elevated()
        ctxt.read_deleted = 'yes'
        try:
            current = instance_db.instance_get(ctxt, instance.uuid)
        except exception.InstanceNotFound:
            current = None
        if current is not None and current.task_state == states.DELETING:
            return
        LOG.info('Instance %s was taken over while spawning; cleaning up',
                 instance.uuid)
        self._cleanup(context, instance)

    def _reschedule_or_fail(self, context, instance, spec, alternates, exc,
                            start):
        # Faults keep 255 characters of message: name the host and the
        # cause, not the instance (the fault is the instance's own).
        reason = 'Build on host %s failed: %s' % (self.host, exc)
        reschedulable = not isinstance(exc, exception.BuildAbortException)
        if reschedulable and alternates:
            try:
                instance_db.instance_update(
                    context, instance.uuid,
                    {'task_state': states.SCHEDULING, 'host': None,
                     'node': None},
                    expected_task_state=states.SPAWNING,
                    expected_host=self.host)
            except (exception.InstanceNotFound,
                    exception.UnexpectedTaskStateError):
                return
            fault_db.instance_fault_create(context, instance.uuid,
                                           compute_utils.fault_code(exc),
                                           reason, host=self.host)
            action_db.action_event_record(context, instance.uuid, EVENT,
                                          'Error', self.host, start,
                                          details=reason)
            instance.host = instance.node = None
            instance.task_state = states.SCHEDULING
            self.conductor.build_instances(context, [instance], spec,
                                           host_lists=[alternates])
            return
        if reschedulable:
            reason = ('Exhausted all hosts available for retrying build '
                      'failures. Last error: %s' % reason)
        failed = compute_utils.set_error(context, instance.uuid, reason,
                                code=compute_utils.fault_code(exc),
                                host=self.host, event=EVENT,
                                start_time=start,
                                expected_task_state=states.SPAWNING)
        metrics.build_failed('compute', int(failed))
