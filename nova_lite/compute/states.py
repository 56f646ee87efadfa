"""vm_state, task_state and power_state values and the API status mapping.

The values and the status mapping follow the compute API reference
("Server status") and Nova's ``vm_states``/``task_states`` modules.
"""

# vm_state: the stable state of an instance.
ACTIVE = 'active'
BUILDING = 'building'
STOPPED = 'stopped'
ERROR = 'error'
DELETED = 'deleted'
# Pause, suspend and soft delete (doc/lifecycle.md). VM_ because PAUSED
# and SUSPENDED below name the power states of the same words.
VM_PAUSED = 'paused'
VM_SUSPENDED = 'suspended'
SOFT_DELETED = 'soft-delete'

VM_STATES = (ACTIVE, BUILDING, STOPPED, ERROR, DELETED, VM_PAUSED,
             VM_SUSPENDED, SOFT_DELETED)

# task_state: the transition in progress, or None.
SCHEDULING = 'scheduling'
SPAWNING = 'spawning'
REBOOTING = 'rebooting'
REBOOTING_HARD = 'rebooting_hard'
POWERING_OFF = 'powering-off'
POWERING_ON = 'powering-on'
DELETING = 'deleting'
PAUSING = 'pausing'
UNPAUSING = 'unpausing'
SUSPENDING = 'suspending'
RESUMING = 'resuming'
SOFT_DELETING = 'soft-deleting'
RESTORING = 'restoring'

TASK_STATES = (SCHEDULING, SPAWNING, REBOOTING, REBOOTING_HARD,
               POWERING_OFF, POWERING_ON, DELETING, PAUSING, UNPAUSING,
               SUSPENDING, RESUMING, SOFT_DELETING, RESTORING)

# power_state: what the hypervisor reports (integers, as in the API).
NOSTATE = 0
RUNNING = 1
PAUSED = 3
SHUTDOWN = 4
CRASHED = 6
SUSPENDED = 7

POWER_STATE_NAMES = {NOSTATE: 'pending', RUNNING: 'running',
                     PAUSED: 'paused', SHUTDOWN: 'shutdown',
                     CRASHED: 'crashed', SUSPENDED: 'suspended'}

_STATUS_BY_TASK = {
    ACTIVE: {REBOOTING: 'REBOOT', REBOOTING_HARD: 'HARD_REBOOT'},
}
_STATUS_BY_VM_STATE = {
    ACTIVE: 'ACTIVE', BUILDING: 'BUILD', STOPPED: 'SHUTOFF',
    ERROR: 'ERROR', DELETED: 'DELETED', VM_PAUSED: 'PAUSED',
    VM_SUSPENDED: 'SUSPENDED', SOFT_DELETED: 'SOFT_DELETED',
}
# Reverse mapping for the ``status`` list filter.
VM_STATES_BY_STATUS = {
    'ACTIVE': [ACTIVE], 'BUILD': [BUILDING], 'SHUTOFF': [STOPPED],
    'ERROR': [ERROR], 'DELETED': [DELETED], 'REBOOT': [ACTIVE],
    'HARD_REBOOT': [ACTIVE], 'PAUSED': [VM_PAUSED],
    'SUSPENDED': [VM_SUSPENDED], 'SOFT_DELETED': [SOFT_DELETED],
}


def status_from_state(vm_state, task_state=None):
    """Return the API ``status`` (e.g. 'BUILD') for a vm/task state pair."""
    by_task = _STATUS_BY_TASK.get(vm_state, {})
    if task_state in by_task:
        return by_task[task_state]
    return _STATUS_BY_VM_STATE.get(vm_state, 'UNKNOWN')
