"""The conductor's sweeper: the database, not the queue, is the source of
truth, so a lost cast must not leave a server in BUILD forever.

Each pass (at conductor start-up and every ``[conductor] sweep_interval``):

* builds older than ``[conductor] build_timeout`` go to ERROR with a fault
  (claim and IP released; the volumes of a build waiting for them,
  ``block_device_mapping``, released and the ones it created deleted:
  ``volume.boot_volumes.release_failed_build``; a building compute
  asks about them every few seconds, so only a build whose compute
  stopped asking is old enough);
* builds idle for ``[conductor] redrive_timeout`` whose cast was lost are
  re-driven idempotently: still ``scheduling`` with no host → claim
  released and scheduled again (a late original flow of the build can
  no longer place it: ``claim_db.instance_place`` needs its claim);
  claimed on a host but never started (task_state None) → the build
  cast to that compute is sent again (the compute's start is a
  conditional write, so a duplicate is a no-op);
* server actions (delete, reboot, stop, start, rebuild not yet begun,
  pause, suspend, rescue, unrescue, ...) still in their task state
  after ``[conductor] action_redrive_timeout`` are cast again to their
  compute when it is up (``nova_lite.servicegroup``; the compute skips an
  action whose task state is gone, and a delete of a deleted instance
  only releases what is left).

Resizes: see ``conductor.resize_sweep`` (auto-confirm, stuck resizes);
shelve: ``conductor.shelve_sweep``; snapshots whose compute is down:
``conductor.snapshot_sweep``; stuck live migrations:
``conductor.live_migrate_sweep``.

doc/admin/recovery.md lists every (vm_state, task_state) and its owner.
"""
import datetime

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.compute import block_device
from nova_lite.compute.lifecycle import power_ops
from nova_lite.compute.lifecycle import rescue as lifecycle_rescue
from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite.conductor import instance_state
from nova_lite.conductor import live_migrate_sweep
from nova_lite.conductor import resize_sweep
from nova_lite.conductor import shelve_sweep
from nova_lite.conductor import snapshot_sweep
from nova_lite import context as nl_context
from nova_lite.db import claims as claim_db
from nova_lite.db import instances as instance_db
from nova_lite.db import services as service_db
from nova_lite import exception
from nova_lite.image import api as image_api
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import request_spec as spec_obj

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def _ago(seconds):
    return compute_utils.utcnow() - datetime.timedelta(seconds=seconds)


def request_spec_for(context, row):
    """Rebuild a RequestSpec from an instance row (server group hints of
    the original request are not kept)."""
    instance = instance_obj.Instance.from_db(row)
    image = None
    if row.image_ref:
        try:
            image = image_api.API().get(context, row.image_ref)
        except exception.ImageNotFound:
            pass
    return spec_obj.RequestSpec(
        project_id=row.project_id, user_id=row.user_id,
        flavor=instance.flavor, image=image, num_instances=1,
        availability_zone=row.availability_zone, scheduler_hints={},
        ignore_hosts=[], is_bfv=block_device.is_volume_backed(
            getattr(row, 'block_device_mapping', None)))


class Sweeper:
    """Fails timed-out builds and re-drives builds whose cast was lost."""

    def __init__(self, build_flow=None, compute_rpcapi=None):
        self.build_flow = build_flow
        self.compute = compute_rpcapi

    def sweep(self):
        """One pass; returns (failed, redriven) counts."""
        ctxt = nl_context.get_admin_context()
        failed = self._fail_timed_out(ctxt)
        redriven = 0
        if self.build_flow is not None:
            redriven = (self._redrive_scheduling(ctxt)
                        + self._redrive_unstarted(ctxt)
                        + self._redrive_actions(ctxt))
            redriven += resize_sweep.sweep(ctxt, self.compute)
            redriven += shelve_sweep.sweep(ctxt, self.compute)
            redriven += snapshot_sweep.sweep(ctxt)
            redriven += live_migrate_sweep.sweep(ctxt, self.compute)
        if failed or redriven:
            LOG.warning('Sweeper: %d stuck builds set to ERROR, %d '
                        'builds or actions re-driven', failed, redriven)
        return failed, redriven

    def _fail_timed_out(self, ctxt):
        timeout = CONF.conductor.build_timeout
        stuck = instance_db.instances_stuck(
            ctxt, states.BUILDING,
            (states.SCHEDULING, states.SPAWNING,
             states.BLOCK_DEVICE_MAPPING, None), _ago(timeout))
        return sum(1 for row in stuck if instance_state.set_error(
            ctxt, row.uuid, 'Build timed out after %d seconds' % timeout,
            code=500, host=row.host, event='conductor_sweep',
            expected_task_state=row.task_state,
            expected_vm_state=states.BUILDING))

    def _touch(self, ctxt, row):
        """Claim the re-drive by bumping updated_at with a conditional
        write; False when someone else moved the instance meanwhile."""
        try:
            instance_db.instance_update(ctxt, row.uuid, {},
                                        expected_task_state=row.task_state,
                                        expected_host=row.host,
                                        expected_vm_state=row.vm_state)
            return True
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError):
            return False

    def _redrive_scheduling(self, ctxt):
        rows = instance_db.instances_stuck(
            ctxt, states.BUILDING, (states.SCHEDULING,),
            _ago(CONF.conductor.redrive_timeout), host=None)
        count = 0
        for row in rows:
            # Release the claim and fence a late original flow off in one
            # step: it can no longer place the instance (nova_lite.db.claims).
            if not claim_db.unclaim_for_redrive(ctxt, row.uuid):
                continue
            user_ctxt = _owner_context(row)
            self.build_flow.build_instances(
                user_ctxt, [instance_obj.Instance.from_db(row)],
                request_spec_for(user_ctxt, row))
            count += 1
        return count

    def _redrive_unstarted(self, ctxt):
        rows = [r for r in instance_db.instances_stuck(
            ctxt, states.BUILDING, (None,),
            _ago(CONF.conductor.redrive_timeout)) if r.host]
        count = 0
        for row in rows:
            if not self._touch(ctxt, row):
                continue
            user_ctxt = _owner_context(row)
            self.compute.build_and_run_instance(
                user_ctxt, row.host, instance_obj.Instance.from_db(row),
                request_spec_for(user_ctxt, row), [])
            count += 1
        return count


    def _redrive_actions(self, ctxt):
        rows = [r for r in instance_db.instances_stuck(
            ctxt, None, tuple(_ACTION_CASTS),
            _ago(CONF.conductor.action_redrive_timeout)) if r.host]
        if not rows:
            return 0
        up = service_db.compute_hosts_up(ctxt, [r.host for r in rows])
        count = 0
        for row in rows:
            if row.host not in up or not self._touch(ctxt, row):
                continue
            LOG.warning('Sweeper: %s of %s on %s was not done within %d s; '
                        'casting it again', row.task_state, row.uuid,
                        row.host, CONF.conductor.action_redrive_timeout)
            _ACTION_CASTS[row.task_state](self.compute, _owner_context(row),
                                          row.host, row.uuid)
            count += 1
        return count


# The cast that does the action of each task state (compute RPC API).
_ACTION_CASTS = {
    states.DELETING: lambda api, ctxt, host, uuid:
        api.terminate_instance(ctxt, host, uuid),
    states.REBOOTING: lambda api, ctxt, host, uuid:
        api.reboot_instance(ctxt, host, uuid, 'SOFT'),
    states.REBOOTING_HARD: lambda api, ctxt, host, uuid:
        api.reboot_instance(ctxt, host, uuid, 'HARD'),
    states.POWERING_OFF: lambda api, ctxt, host, uuid:
        api.stop_instance(ctxt, host, uuid),
    states.POWERING_ON: lambda api, ctxt, host, uuid:
        api.start_instance(ctxt, host, uuid),
    # The compute rebuilds from the instance's image_ref (set by the API);
    # a volume-backed server's ends with a fault (the image asked for
    # was in the lost cast alone).
    states.REBUILDING: lambda api, ctxt, host, uuid:
        api.rebuild_instance(ctxt, host, uuid, None),
}
# Pause, suspend, soft delete and restore (doc/lifecycle.md).
_ACTION_CASTS.update(power_ops.ACTION_CASTS)
# Rescue (its re-drive ends it with a fault) and unrescue
# (doc/lifecycle-rescue.md).
_ACTION_CASTS.update(lifecycle_rescue.ACTION_CASTS)


def _owner_context(row):
    return nl_context.RequestContext(user_id=row.user_id,
                                     project_id=row.project_id,
                                     roles=['member'])
