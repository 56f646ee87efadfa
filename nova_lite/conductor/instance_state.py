"""Instance state changes that take several tables, run where the
database is (the conductor, and the API's own flows): ERROR with a fault,
and the release of what an instance holds.

Computes have no database access: they reach these through the
conductor's RPC API (``conductor.compute_proxy``).
"""
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite.db import actions as action_db
from nova_lite.db import claims as claim_db
from nova_lite.db import instances as instance_db
from nova_lite.db import resize as resize_db
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite.volume import boot_volumes

LOG = logging.getLogger(__name__)


#: The task states of a build: an instance set to ERROR from one of them
#: (or from vm_state building) failed its build.
_BUILD_TASKS = (states.SCHEDULING, states.SPAWNING,
                states.BLOCK_DEVICE_MAPPING)


def _failed_build(expected):
    task = expected.get('expected_task_state')
    tasks = task if isinstance(task, tuple) else (task,)
    return (expected.get('expected_vm_state') == states.BUILDING
            or any(t in _BUILD_TASKS for t in tasks))


def set_error(context, instance_uuid, message, code=500, host=None,
              details=None, event='conductor_schedule_and_build',
              start_time=None, **expected):
    """Move an instance to ERROR with a fault and release what it holds
    (claim, fixed IP; for a failed build its volumes too:
    ``volume.boot_volumes.release_failed_build``). ``expected`` are
    instance_update conditions; when they no longer hold (deleted, or
    someone else took over), nothing is written and False is returned."""
    details = compute_utils.details_text(details)
    fault = {'code': code, 'message': message, 'host': host,
             'details': details}
    try:
        instance_db.instance_update(context, instance_uuid,
                                    {'vm_state': states.ERROR,
                                     'task_state': None},
                                    fault=fault, **expected)
    except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
        LOG.info('Instance %s changed before it could be set to ERROR',
                 instance_uuid)
        return False
    release_resources(context, instance_uuid)
    if _failed_build(expected):
        boot_volumes.release_failed_build(context, instance_uuid)
    action_db.action_event_record(context, instance_uuid, event, 'Error', host,
                                  start_time, details=details,
                                  finish_action=True)
    LOG.warning('Instance %s set to ERROR: %s', instance_uuid, message)
    return True


def release_resources(context, instance_uuid):
    """Free the claim (and those of its open resizes) and the fixed IPs
    of an instance. Idempotent."""
    claim_db.unclaim(context, instance_uuid)
    resize_db.drop_open_claims(context, instance_uuid)
    network_api.deallocate_for_instance(context, instance_uuid)
