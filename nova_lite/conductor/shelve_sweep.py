"""The sweeper's shelve pass (``conductor.sweeper.Sweeper.sweep`` runs
it; doc/lifecycle-shelve.md): a shelve, offload or unshelve whose cast
was lost while its compute was up is re-driven after ``[conductor]
action_redrive_timeout`` seconds without progress.

* ``shelving`` (the compute never started it), ``shelving_offloading``,
  ``unshelving`` of a server on a host (a SHELVED server, or an
  offloaded one the conductor placed): the cast is sent again to the
  server's compute when it is up (each compute step starts only from
  its task state, so a duplicate does nothing);
* ``unshelving`` of an offloaded server with no host (the conductor's
  cast, or the conductor itself, was lost before it placed the server):
  the task is cleared with a fault (the server stays SHELVED_OFFLOADED;
  unshelve it again) and any claim made for it released; a late
  scheduling flow then finds the task gone and releases its claim.

A compute that is down owns its servers' tasks until it restarts
(``compute.lifecycle.shelve.RECOVERY``).
"""
import datetime

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite import context as nl_context
from nova_lite.db import actions as action_db
from nova_lite.db import claims as claim_db
from nova_lite.db import instances as instance_db
from nova_lite.db import services as service_db
from nova_lite import exception

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
_TASKS = (states.SHELVING, states.SHELVING_OFFLOADING, states.UNSHELVING)


def _owner_context(row):
    return nl_context.RequestContext(user_id=row.user_id,
                                     project_id=row.project_id,
                                     roles=['member'])


def _cast(compute, ctxt, row):
    if row.task_state == states.SHELVING:
        compute.shelve_instance(ctxt, row.host, row.uuid,
                                row.shelved_image_id)
    elif row.task_state == states.SHELVING_OFFLOADING:
        compute.shelve_offload_instance(ctxt, row.host, row.uuid)
    else:
        compute.unshelve_instance(ctxt, row.host, row.uuid,
                                  row.shelved_image_id)


def _touch(ctxt, row):
    """Claim the re-drive with a conditional write (bumps updated_at)."""
    try:
        instance_db.instance_update(ctxt, row.uuid, {},
                                    expected_task_state=row.task_state,
                                    expected_host=row.host,
                                    expected_vm_state=row.vm_state)
        return True
    except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
        return False


def _fail_unscheduled(ctxt, row, timeout):
    """An unshelve nobody scheduled: task cleared with a fault, claim
    released; True when it matched."""
    message = ('Unshelve was not scheduled within %d seconds; unshelve '
               'the server again' % timeout)
    try:
        instance_db.instance_update(
            ctxt, row.uuid, {'task_state': None},
            fault={'code': 500, 'message': message, 'host': None,
                   'details': None},
            expected_task_state=states.UNSHELVING, expected_host=None,
            expected_vm_state=states.SHELVED_OFFLOADED)
    except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
        return False
    claim_db.unclaim(ctxt, row.uuid)
    action_db.action_event_record(ctxt, row.uuid, 'conductor_sweep',
                                  'Error', None, None, details=message,
                                  finish_action=True)
    LOG.warning('Sweeper: %s', message)
    return True


def sweep(ctxt, compute):
    """One pass; returns how many shelve steps were re-driven or failed."""
    timeout = CONF.conductor.action_redrive_timeout
    before = compute_utils.utcnow() - datetime.timedelta(seconds=timeout)
    rows = instance_db.instances_stuck(ctxt, None, _TASKS, before)
    count = sum(1 for row in rows if row.host is None
                and _fail_unscheduled(ctxt, row, timeout))
    placed = [row for row in rows if row.host is not None]
    if not placed:
        return count
    up = service_db.compute_hosts_up(ctxt, [row.host for row in placed])
    for row in placed:
        if row.host not in up or (row.task_state == states.SHELVING
                                  and not row.shelved_image_id):
            continue
        if not _touch(ctxt, row):
            continue
        LOG.warning('Sweeper: %s of %s on %s was not done within %d s; '
                    'casting it again', row.task_state, row.uuid, row.host,
                    timeout)
        _cast(compute, _owner_context(row), row)
        count += 1
    return count
