"""The conductor's sweeper: builds stuck past ``[conductor] build_timeout``
go to ERROR with a fault (the database is the source of truth; a lost cast
must not leave a server in BUILD forever)."""
import datetime

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite import context as nl_context
from nova_lite.db import api as db_api

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


class Sweeper:
    """Moves instances stuck in BUILD to ERROR."""

    def sweep(self):
        """One pass; returns the number of instances failed."""
        ctxt = nl_context.get_admin_context()
        timeout = CONF.conductor.build_timeout
        cutoff = compute_utils.utcnow() - datetime.timedelta(seconds=timeout)
        stuck = db_api.instances_stuck(
            ctxt, states.BUILDING,
            (states.SCHEDULING, states.SPAWNING, None), cutoff)
        failed = 0
        for row in stuck:
            if compute_utils.set_error(
                    ctxt, row.uuid,
                    'Build timed out after %d seconds' % timeout, code=500,
                    host=row.host, event='conductor_sweep',
                    expected_task_state=row.task_state,
                    expected_vm_state=states.BUILDING):
                failed += 1
        if failed:
            LOG.warning('Sweeper moved %d stuck builds to ERROR', failed)
        return failed
