"""Errors of the block storage service and its API, with the HTTP
status the Block Storage API reference gives them (its fault body is
``{"<name>": {"message", "code"}}``, ``nova_lite.api.volume.faults``).
"""
from nova_lite import exception


class VolumeError(exception.NovaLiteException):
    """Base of the block storage errors."""


class Invalid(VolumeError):
    """400: a request Cinder calls invalid (bad input, or a status that
    does not allow the action: Cinder answers 400 ``InvalidVolume``)."""
    msg_fmt = '%(reason)s'
    code = 400


class InvalidVolume(Invalid):
    msg_fmt = 'Invalid volume: %(reason)s'


class InvalidSnapshot(Invalid):
    msg_fmt = 'Invalid snapshot: %(reason)s'


class NotFound(VolumeError):
    msg_fmt = '%(kind)s %(id)s could not be found.'
    code = 404


class VolumeNotFound(NotFound):
    msg_fmt = 'Volume %(volume_id)s could not be found.'


class SnapshotNotFound(NotFound):
    msg_fmt = 'Snapshot %(snapshot_id)s could not be found.'


class AttachmentNotFound(NotFound):
    msg_fmt = 'Volume attachment %(attachment_id)s could not be found.'


class VolumeTypeNotFound(NotFound):
    msg_fmt = 'Volume type %(volume_type_id)s could not be found.'


class Conflict(VolumeError):
    msg_fmt = '%(reason)s'
    code = 409


class OverQuota(VolumeError):
    """413 (Cinder's ``VolumeLimitExceeded``/``QuotaError``: fault
    ``overLimit``)."""
    msg_fmt = ('VolumeLimitExceeded: Maximum number of %(resource)s '
               'allowed (%(allowed)s) exceeded (requested %(requested)s, '
               'in use %(in_use)s)')
    code = 413


class NoValidBackend(VolumeError):
    """No volume service is up with room for the volume: the volume goes
    to ``error`` (Cinder's scheduler answers likewise)."""
    msg_fmt = 'No valid backend was found. %(reason)s'
    code = 500


class DriverError(VolumeError):
    msg_fmt = 'Volume driver failed: %(reason)s'
    code = 500


class StoragePoolNotFound(NotFound):
    msg_fmt = 'Storage pool %(pool_id)s could not be found.'


class StorageCapacityExceeded(VolumeError):
    """413: no storage pool of the volume's cluster (or zone) has room
    for it; the text names the storage level and each pool's allocation
    (CloudStack's InsufficientCapacityException, errorcode 533)."""
    msg_fmt = ('Insufficient capacity at the storage level: %(reason)s')
    code = 413
    #: The CloudStack API answers it as errorcode 533.
    insufficient_capacity = True
