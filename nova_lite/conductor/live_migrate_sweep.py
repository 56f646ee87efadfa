"""The sweeper's live migration pass (``conductor.sweeper.Sweeper.sweep``
runs it; doc/migrations-servers.md, "Live migration"): a server is never
left MIGRATING.

A live migration not finished ('accepted' ... 'post-migrating') and
without progress (no status change nor progress report, both of which
touch the migration's ``updated_at``) for ``[conductor]
live_migration_timeout`` seconds (a lost cast, a compute that died
mid-way) is rolled back by the rule of ``conductor.live_migrate``: the
destination claim released, the migration 'error', task cleared with a
fault. Before 'post-migrating' the guest still runs on its source: the
server stays ACTIVE there and its destination, when chosen, is asked to
remove the incoming guest. In 'post-migrating' the guest may already run
on the destination (the source's clean-up may have begun): the server
goes to ERROR on its source record, for an admin to check (reset-state
and a hard reboot bring it back).
"""
import datetime

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite.conductor import live_migrate
from nova_lite.db import resize as resize_db

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
EVENT = 'conductor_sweep_live_migration'


def sweep(ctxt, compute):
    """One pass; returns how many live migrations it rolled back."""
    timeout = CONF.conductor.live_migration_timeout
    older = compute_utils.utcnow() - datetime.timedelta(seconds=timeout)
    count = 0
    for migration in resize_db.evacuations(
            ctxt, resize_db.LIVE_OPEN, older_than=older,
            migration_type=resize_db.LIVE_MIGRATION):
        if _roll_back(ctxt, compute, migration, timeout):
            count += 1
    return count


def _roll_back(ctxt, compute, migration, timeout):
    moved = migration['status'] == 'post-migrating'
    message = ('Live migration to %s made no progress for %d seconds'
               % (migration['dest_compute'] or '(not chosen)', timeout))
    if moved:
        message += '; the guest may run on the destination: check it'
    start = compute_utils.isotime(compute_utils.utcnow())
    matched = live_migrate.live_migration_rollback(
        ctxt, migration['instance_uuid'], migration['uuid'], 'error',
        message, None, {'name': EVENT, 'result': 'Error', 'start': start,
                        'details': message, 'finish_action': True},
        vm_state=states.ERROR if moved else None)
    if matched and not moved and migration['dest_compute']:
        compute.rollback_live_migration_at_destination(
            ctxt, migration['dest_compute'], migration['instance_uuid'], {})
    LOG.warning('Sweeper: live migration %s of %s rolled back: %s',
                migration['uuid'], migration['instance_uuid'], message)
    return True
