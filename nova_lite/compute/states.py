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
# Resized to a new flavor, waiting for confirmResize or revertResize.
RESIZED = 'resized'
# Pause, suspend and soft delete (doc/lifecycle.md). VM_ because PAUSED
# and SUSPENDED below name the power states of the same words.
VM_PAUSED = 'paused'
VM_SUSPENDED = 'suspended'
SOFT_DELETED = 'soft-delete'
# Booted from a rescue disk, its own root disk attached second
# (doc/lifecycle-rescue.md).
RESCUED = 'rescued'
# Shelved: the guest is powered off and its disk saved as an image;
# offloaded: the guest is gone from its host too (doc/lifecycle-shelve.md).
SHELVED = 'shelved'
SHELVED_OFFLOADED = 'shelved_offloaded'

VM_STATES = (ACTIVE, BUILDING, STOPPED, ERROR, DELETED, RESIZED, VM_PAUSED,
             VM_SUSPENDED, SOFT_DELETED, RESCUED, SHELVED, SHELVED_OFFLOADED)

# task_state: the transition in progress, or None.
SCHEDULING = 'scheduling'
SPAWNING = 'spawning'
# A build waits for the volumes it boots with (Nova's task state;
# nova_lite.volume.boot_volumes).
BLOCK_DEVICE_MAPPING = 'block_device_mapping'
REBOOTING = 'rebooting'
REBOOTING_HARD = 'rebooting_hard'
POWERING_OFF = 'powering-off'
POWERING_ON = 'powering-on'
DELETING = 'deleting'
# Rebuild (nova_lite.compute.api_rebuild, compute.lifecycle.rebuild).
REBUILDING = 'rebuilding'
REBUILD_BLOCK_DEVICE_MAPPING = 'rebuild_block_device_mapping'
REBUILD_SPAWNING = 'rebuild_spawning'
# Snapshots and backups (compute.api_snapshot, compute.lifecycle.snapshot).
IMAGE_SNAPSHOT = 'image_snapshot'
IMAGE_BACKUP = 'image_backup'
IMAGE_PENDING_UPLOAD = 'image_pending_upload'
IMAGE_UPLOADING = 'image_uploading'

# CloudStack VM snapshots (compute.vm_snapshots,
# compute.lifecycle.vm_snapshot).
VM_SNAPSHOTTING = 'vm_snapshotting'
VM_SNAPSHOT_REVERTING = 'vm_snapshot_reverting'
VM_SNAPSHOT_DELETING = 'vm_snapshot_deleting'
VM_SNAPSHOT_TASKS = (VM_SNAPSHOTTING, VM_SNAPSHOT_REVERTING,
                     VM_SNAPSHOT_DELETING)

REBUILD_TASKS = (REBUILDING, REBUILD_BLOCK_DEVICE_MAPPING, REBUILD_SPAWNING)
SNAPSHOT_TASKS = (IMAGE_SNAPSHOT, IMAGE_BACKUP, IMAGE_PENDING_UPLOAD,
                  IMAGE_UPLOADING)

# The steps of a resize (nova_lite.compute.lifecycle.resize), in order,
# and the revert of a RESIZED server.
RESIZE_PREP = 'resize_prep'
RESIZE_MIGRATING = 'resize_migrating'
RESIZE_MIGRATED = 'resize_migrated'
RESIZE_FINISH = 'resize_finish'
RESIZE_REVERTING = 'resize_reverting'
RESIZE_TASKS = (RESIZE_PREP, RESIZE_MIGRATING, RESIZE_MIGRATED,
                RESIZE_FINISH)

# Pause, suspend and soft delete (nova_lite.compute.lifecycle.power_ops).
#: A live migration (doc/migrations-servers.md): status MIGRATING.
MIGRATING = 'migrating'
PAUSING = 'pausing'
UNPAUSING = 'unpausing'
SUSPENDING = 'suspending'
RESUMING = 'resuming'
SOFT_DELETING = 'soft-deleting'
RESTORING = 'restoring'
# Rescue and unrescue (nova_lite.compute.lifecycle.rescue).
RESCUING = 'rescuing'
UNRESCUING = 'unrescuing'

# Shelve, offload and unshelve (nova_lite.compute.lifecycle.shelve); an
# unshelve of an offloaded server spawns with SPAWNING.
SHELVING = 'shelving'
SHELVING_IMAGE_PENDING_UPLOAD = 'shelving_image_pending_upload'
SHELVING_IMAGE_UPLOADING = 'shelving_image_uploading'
SHELVING_OFFLOADING = 'shelving_offloading'
UNSHELVING = 'unshelving'
SHELVING_TASKS = (SHELVING, SHELVING_IMAGE_PENDING_UPLOAD,
                  SHELVING_IMAGE_UPLOADING)

TASK_STATES = (SCHEDULING, SPAWNING, BLOCK_DEVICE_MAPPING, REBOOTING,
               REBOOTING_HARD, POWERING_OFF, POWERING_ON, DELETING, PAUSING,
               UNPAUSING, SUSPENDING, RESUMING, SOFT_DELETING, RESTORING,
               RESCUING, UNRESCUING) + \
    REBUILD_TASKS + SNAPSHOT_TASKS + RESIZE_TASKS + (RESIZE_REVERTING,) + \
    SHELVING_TASKS + (SHELVING_OFFLOADING, UNSHELVING) + VM_SNAPSHOT_TASKS + \
    (MIGRATING,)

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

_RESIZING = dict.fromkeys(RESIZE_TASKS, 'RESIZE')
_STATUS_BY_TASK = {
    ACTIVE: {REBOOTING: 'REBOOT', REBOOTING_HARD: 'HARD_REBOOT',
             MIGRATING: 'MIGRATING',
             **dict.fromkeys(REBUILD_TASKS, 'REBUILD'), **_RESIZING},
    VM_PAUSED: {MIGRATING: 'MIGRATING'},
    # Nova shows a rebuild of a stopped or failed server as REBUILD too.
    STOPPED: dict(dict.fromkeys(REBUILD_TASKS, 'REBUILD'), **_RESIZING),
    ERROR: dict.fromkeys(REBUILD_TASKS, 'REBUILD'),
    RESIZED: {RESIZE_REVERTING: 'REVERT_RESIZE'},
}
_STATUS_BY_VM_STATE = {
    ACTIVE: 'ACTIVE', BUILDING: 'BUILD', STOPPED: 'SHUTOFF',
    ERROR: 'ERROR', DELETED: 'DELETED', RESIZED: 'VERIFY_RESIZE',
    VM_PAUSED: 'PAUSED', VM_SUSPENDED: 'SUSPENDED',
    SOFT_DELETED: 'SOFT_DELETED', RESCUED: 'RESCUE', SHELVED: 'SHELVED',
    SHELVED_OFFLOADED: 'SHELVED_OFFLOADED',
}
# Reverse mapping for the ``status`` list filter.
VM_STATES_BY_STATUS = {
    'ACTIVE': [ACTIVE], 'BUILD': [BUILDING], 'SHUTOFF': [STOPPED],
    'ERROR': [ERROR], 'DELETED': [DELETED], 'REBOOT': [ACTIVE],
    'HARD_REBOOT': [ACTIVE], 'REBUILD': [ACTIVE, STOPPED, ERROR],
    'VERIFY_RESIZE': [RESIZED], 'REVERT_RESIZE': [RESIZED],
    'RESIZE': [ACTIVE, STOPPED], 'MIGRATING': [ACTIVE, VM_PAUSED],
    'PAUSED': [VM_PAUSED], 'SUSPENDED': [VM_SUSPENDED],
    'SOFT_DELETED': [SOFT_DELETED], 'RESCUE': [RESCUED],
    'SHELVED': [SHELVED], 'SHELVED_OFFLOADED': [SHELVED_OFFLOADED],
}


def status_from_state(vm_state, task_state=None):
    """Return the API ``status`` (e.g. 'BUILD') for a vm/task state pair."""
    by_task = _STATUS_BY_TASK.get(vm_state, {})
    if task_state in by_task:
        return by_task[task_state]
    return _STATUS_BY_VM_STATE.get(vm_state, 'UNKNOWN')
