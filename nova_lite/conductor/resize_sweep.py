"""The sweeper's resize pass (``conductor.sweeper.Sweeper.sweep`` runs it):

* auto-confirm: a resize 'finished' (server VERIFY_RESIZE) for longer
  than ``[DEFAULT] resize_confirm_window`` seconds (0: never) is
  confirmed as the API's confirmResize does (Nova's compute periodic
  ``_poll_unconfirmed_resizes`` does it there);
* stuck resizes: a server in a resize task state (resize_prep ...
  resize_finish, resize_reverting) without progress for ``[conductor]
  resize_timeout`` seconds is failed by the rule of ``conductor.resize``
  (ERROR on its source with its old flavor, destination claim released;
  a resize still in resize_prep moved nothing and keeps its state), and
  its source compute, when up, is asked to put the old guest back;
* a confirm whose source compute never answered ('confirming' for
  ``resize_timeout``) is confirmed in the database (claims, state); the
  old guest's files are left to the source host (doc/lifecycle-resize.md);
* an evacuation without progress for ``resize_timeout`` (still
  'accepted': never scheduled, the server keeps its state; 'pre-migrating':
  its destination never finished, ERROR on the source) is failed by the
  rule of ``conductor.evacuate``, its destination claim released
  (doc/migrations-servers.md).
"""
import datetime

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite.conductor import evacuate
from nova_lite.conductor import resize
from nova_lite import context as nl_context
from nova_lite.db import actions as action_db
from nova_lite.db import instances as instance_db
from nova_lite.db import resize as resize_db
from nova_lite.db import services as service_db
from nova_lite import exception

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def _ago(seconds):
    return compute_utils.utcnow() - datetime.timedelta(seconds=seconds)


def _owner_context(row):
    """A member context of the owner of instance ``row`` (not of the
    migration's requester: an admin's cold migration confirms as the
    server's owner would)."""
    return nl_context.RequestContext(user_id=row.user_id,
                                     project_id=row.project_id,
                                     roles=['member'])


def sweep(ctxt, compute):
    """One pass; returns how many resizes it confirmed or failed."""
    return (auto_confirm(ctxt, compute) + fail_stuck(ctxt, compute)
            + finish_confirms(ctxt) + fail_stuck_evacuations(ctxt))


def auto_confirm(ctxt, compute):
    """Confirm resizes older than the confirm window (see module doc)."""
    window = CONF.resize_confirm_window
    if window <= 0:
        return 0
    count = 0
    for migration in resize_db.resizes_in_status(ctxt, 'finished',
                                                 _ago(window)):
        try:
            row = instance_db.instance_get(ctxt, migration['instance_uuid'])
        except exception.InstanceNotFound:
            continue
        if row.vm_state != states.RESIZED or row.task_state is not None:
            continue
        if not resize_db.migration_update(
                ctxt, migration['uuid'], {'status': 'confirming'},
                expected_status='finished'):
            continue
        user_ctxt = _owner_context(row)
        action_db.action_start(user_ctxt, row.uuid, 'confirmResize')
        LOG.info('Sweeper: confirming the resize of %s (older than %d s)',
                 row.uuid, window)
        compute.confirm_resize(user_ctxt, migration['source_compute'],
                               row.uuid, migration['uuid'])
        count += 1
    return count


def fail_stuck(ctxt, compute):
    """Fail resizes without progress (see module doc)."""
    rows = instance_db.instances_stuck(ctxt, None, resize.IN_FLIGHT,
                                       _ago(CONF.conductor.resize_timeout))
    count = 0
    for row in rows:
        migration = resize_db.open_resize(ctxt, row.uuid)
        if migration is None:
            resize.resize_update(ctxt, row.uuid, None, {'task_state': None},
                                 None, row.task_state, None)
            continue
        restored = row.task_state == states.RESIZE_PREP
        message = ('Resize timed out in %s after %d seconds without '
                   'progress' % (row.task_state,
                                 CONF.conductor.resize_timeout))
        if not resize.resize_failed(
                ctxt, row.uuid, migration['uuid'], message, None,
                {'name': 'conductor_sweep', 'result': 'Error',
                 'details': message, 'finish_action': True},
                restored=restored):
            continue
        count += 1
        source = migration['source_compute']
        if not restored and source in service_db.compute_hosts_up(
                ctxt, [source]):
            compute.finish_revert_resize(ctxt, source, row.uuid,
                                         migration['uuid'], failed=message)
    return count


def finish_confirms(ctxt):
    """Confirm in the database the confirms no source compute did."""
    count = 0
    for migration in resize_db.resizes_in_status(
            ctxt, 'confirming', _ago(CONF.conductor.resize_timeout)):
        LOG.warning('Sweeper: %s did not confirm the resize of %s; '
                    'confirming it without removing the old guest',
                    migration['source_compute'], migration['instance_uuid'])
        resize.resize_confirmed(ctxt, migration['instance_uuid'],
                                migration['uuid'], None, None)
        count += 1
    return count


def fail_stuck_evacuations(ctxt):
    """Fail evacuations without progress (see module doc)."""
    count = 0
    for migration in resize_db.evacuations(
            ctxt, resize_db.EVACUATING,
            older_than=_ago(CONF.conductor.resize_timeout)):
        message = ('Evacuation timed out (%s) after %d seconds without '
                   'progress' % (migration['status'],
                                 CONF.conductor.resize_timeout))
        count += bool(evacuate.evacuate_failed(
            ctxt, migration['instance_uuid'], migration['uuid'], message,
            None, {'name': 'conductor_sweep', 'result': 'Error',
                   'details': message, 'finish_action': True},
            scheduled=migration['status'] == 'pre-migrating'))
    return count
