"""The conductor's build flow: schedule, record the host, cast to compute.

First attempt: ``select_destinations`` claims a host per instance. A
reschedule arrives with the instance's remaining alternates and claims the
first one that still fits. When nothing fits, the instance goes to ERROR
with a fault that says why.
"""
from oslo_config import cfg
import oslo_messaging as messaging
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite.conductor import instance_state
from nova_lite.db import claims as claim_db
from nova_lite import exception
from nova_lite import metrics
from nova_lite import notifications
from nova_lite.scheduler import claims

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
EVENT = 'conductor_schedule_and_build'


class BuildFlow:
    """Build orchestration; ``scheduler`` and ``compute`` are RPC clients."""

    def __init__(self, scheduler_rpcapi, compute_rpcapi):
        self.scheduler = scheduler_rpcapi
        self.compute = compute_rpcapi

    def build_instances(self, context, instances, request_spec,
                        host_lists=None):
        """Schedule and launch; see the module docstring."""
        if host_lists is None:
            metrics.build_started(len(instances))
            host_lists = self._schedule(context, instances, request_spec)
            if host_lists is None:
                return
        else:
            metrics.build_rescheduled(len(instances))
            host_lists = [self._claim_alternate(context, inst, hosts,
                                                request_spec)
                          for inst, hosts in zip(instances, host_lists,
                                                 strict=True)]
        for instance, host_list in zip(instances, host_lists, strict=True):
            if host_list:
                self._launch(context, instance, request_spec, host_list)

    def _schedule(self, context, instances, spec):
        """[[selection, alternates...] per instance], or None after
        setting them to ERROR (no valid host, or no scheduler answer)."""
        start = compute_utils.utcnow()
        try:
            return self._select(context, instances, spec)
        except exception.NoValidHost as exc:
            message, details, code = exc.format_message(), exc.details, 500
            error = exc
        except messaging.MessagingTimeout as exc:
            message, details, code = ('Timed out waiting for the scheduler',
                                      None, 503)
            error = exc
        for instance in instances:
            if instance_state.set_error(
                    context, instance.uuid, message, code=code,
                    details=details, event=EVENT, start_time=start,
                    expected_task_state=states.SCHEDULING):
                metrics.build_failed('schedule')
                self._notify_error(context, instance, error)
        return None

    def _select(self, context, instances, spec):
        """``select_destinations``, asked a second time when the first
        call is not answered: the scheduler that took it may have died
        with it (oslo.messaging acknowledges a message before its
        dispatch, so a call in progress in a killed scheduler is gone),
        and another scheduler consuming the topic answers the repeat.
        Before repeating, what the silent call may have claimed is
        released (``unclaim_for_redrive``, under the instance's row
        lock); an instance placed, deleted or failed meanwhile is left
        out of the repeat and, when none is left, of the result.

        :raises: NoValidHost; MessagingTimeout when the repeat is not
            answered either
        """
        uuids = [inst.uuid for inst in instances]
        try:
            return self.scheduler.select_destinations(context, spec, uuids)
        except messaging.MessagingTimeout:
            LOG.warning('No scheduler answered select_destinations for %s; '
                        'asking again', ', '.join(uuids))
        if not all(claim_db.unclaim_for_redrive(context, uuid)
                   for uuid in uuids):
            # Someone else moved one of them on (a delete, the sweeper):
            # this flow stops; the sweeper re-drives what still waits.
            LOG.info('Instances %s moved on while scheduling; not asking '
                     'the scheduler again', ', '.join(uuids))
            return [[] for _ in instances]
        return self.scheduler.select_destinations(context, spec, uuids)

    @staticmethod
    def _notify_error(context, instance, error):
        """instance.create.error from this conductor: a build it set to
        ERROR (``error``: the exception or ExceptionPayload)."""
        notifications.instance_action(
            context, instance, 'instance.create.error', CONF.host,
            binary=notifications.CONDUCTOR, fault=error,
            state=states.ERROR, task_state=None, host=None, node=None)

    def _claim_alternate(self, context, instance, alternates, spec):
        """[claimed selection, remaining alternates...] or None (ERROR).
        A claim keeps the hard policy of ``spec``'s server group."""
        for index, selection in enumerate(alternates):
            if claims.claim_instance(context, selection.compute_node_id,
                                     instance, spec):
                selection.claimed = True
                return alternates[index:]
        message = ('Exhausted all hosts available for retrying build '
                   'failures for instance %s.' % instance.uuid)
        if instance_state.set_error(
                context, instance.uuid, message, event=EVENT,
                expected_task_state=states.SCHEDULING):
            metrics.build_failed('reschedule')
            self._notify_error(context, instance, exception.NoValidHost(
                reason=message))
        return None

    def _launch(self, context, instance, spec, host_list):
        """Place the instance on the claimed first host and cast its
        build there. Placing needs the claim to still be on that node:
        when the sweeper re-drove the build meanwhile, this (late) flow
        stops and leaves the claim to the flow that owns it."""
        chosen, alternates = host_list[0], host_list[1:]
        if not claim_db.instance_place(context, instance.uuid,
                                       chosen.service_host, chosen.nodename,
                                       chosen.compute_node_id):
            released = claim_db.unclaim_if_abandoned(context, instance.uuid)
            LOG.info('Instance %s was deleted, failed or re-driven while '
                     'scheduling; not building it on %s%s', instance.uuid,
                     chosen.service_host,
                     ' (claim released)' if released else '')
            return
        instance.host, instance.node = chosen.service_host, chosen.nodename
        instance.task_state = None
        self.compute.build_and_run_instance(context, chosen.service_host,
                                            instance, spec, alternates)
