"""Server lifecycle operations of the compute service beyond build,
power and delete, one module each, mixed into
``nova_lite.compute.manager.ComputeManager``: ``rebuild`` (a new root
disk from an image) and ``snapshot`` (createImage, createBackup), RPC API
1.5; ``resize`` (resize, confirm, revert), RPC API 1.6. They use the
manager's ``driver``, ``conductor``, ``host``, ``_instance`` and
``_event``, and run under the per-instance lock
(``manager.instance_lock``)."""
from oslo_concurrency import lockutils


def instance_lock(instance_uuid):
    """The per-instance lock every operation on it holds (the same lock
    as ``manager.instance_lock``: same name)."""
    return lockutils.lock('instance-%s' % instance_uuid)


class TaskLost(Exception):
    """The instance left the task state an operation expected (deleted,
    reset, or taken over): the operation stops and leaves it alone."""
