"""Exceptions with a message format and the HTTP code the API maps them to.

``NovaLiteException.code`` is the HTTP status of the compute API fault
(see the compute API reference, "Faults"); ``msg_fmt`` is formatted with the
keyword arguments given to the constructor.
"""


class NovaLiteException(Exception):
    """Base of every nova_lite error; ``code`` is its HTTP status."""
    msg_fmt = 'An unknown exception occurred.'
    code = 500
    headers = {}

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if not message:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError):
                message = self.msg_fmt
        self.message = message
        super().__init__(message)

    def format_message(self):
        return self.message


class Invalid(NovaLiteException):
    msg_fmt = 'Bad request: %(reason)s'
    code = 400


class ValidationError(Invalid):
    msg_fmt = 'Invalid input for field/attribute %(attribute)s: %(reason)s'


class InvalidRequestBody(Invalid):
    msg_fmt = 'Malformed request body: %(reason)s'


class NotAuthenticated(NovaLiteException):
    msg_fmt = 'Authentication required.'
    code = 401


class Forbidden(NovaLiteException):
    msg_fmt = 'Policy doesn\'t allow %(action)s to be performed.'
    code = 403


class QuotaExceeded(Forbidden):
    msg_fmt = 'Quota exceeded for %(resource)s: requested %(requested)s, ' \
              'but already used %(used)s of %(allowed)s.'


class NotFound(NovaLiteException):
    msg_fmt = 'Resource could not be found.'
    code = 404


class InstanceNotFound(NotFound):
    msg_fmt = 'Instance %(instance_id)s could not be found.'


class FlavorNotFound(NotFound):
    msg_fmt = 'Flavor %(flavor_id)s could not be found.'


class ImageNotFound(NotFound):
    msg_fmt = 'Image %(image_id)s could not be found.'


class VMSnapshotNotFound(NotFound):
    msg_fmt = 'VM snapshot %(vm_snapshot_id)s could not be found.'


class ImageMemberNotFound(NotFound):
    msg_fmt = 'Member %(member)s of image %(image_id)s could not be found.'


class NetworkNotFound(NotFound):
    msg_fmt = 'Network %(network_id)s could not be found.'


class ComputeHostNotFound(NotFound):
    msg_fmt = 'Compute host %(host)s could not be found.'


class ServiceNotFound(NotFound):
    msg_fmt = 'Service %(service_id)s could not be found.'


class MetadataNotFound(NotFound):
    msg_fmt = 'Metadata item %(key)s was not found.'


class MigrationNotFoundForInstance(NotFound):
    msg_fmt = 'In-progress live migration %(migration_id)s is not found ' \
              'for server %(instance_id)s.'


class MarkerNotFound(Invalid):
    """A paging marker that names nothing (400, as Nova's)."""
    msg_fmt = 'Marker %(marker)s could not be found.'


class MigrationNotFound(NotFound):
    msg_fmt = 'Migration %(migration_id)s could not be found.'


class Conflict(NovaLiteException):
    msg_fmt = 'Conflict: %(reason)s'
    code = 409


class InstanceInvalidState(Conflict):
    msg_fmt = 'Cannot \'%(action)s\' instance %(instance_uuid)s while it is ' \
              'in %(attr)s %(state)s'


class PortNotAttached(NotFound):
    """404: the port is no NIC of the server (a compute's answer: the
    RPC layer rebuilds only ``nova_lite.exception`` errors)."""
    msg_fmt = 'Port %(port_id)s is not attached to server %(instance_uuid)s'


class InterfaceAttachFailed(NovaLiteException):
    """500, as Nova answers a failed hot-plug (compute API reference,
    "Create Interface")."""
    msg_fmt = 'Failed to attach network adapter device to ' \
              '%(instance_uuid)s'


class InterfaceDetachFailed(NovaLiteException):
    """A hot-unplug the hypervisor refused (recorded as the detach
    action's event; the port stays attached)."""
    msg_fmt = 'Failed to detach network adapter device from ' \
              '%(instance_uuid)s'


class NetworkNotFoundForInstance(NotFound):
    """404: ``addFixedIp`` on a network the server has no port on (as
    Nova's Neutron path: the address goes on the server's port there)."""
    msg_fmt = 'Network %(network_id)s could not be found for instance ' \
              '%(instance_uuid)s: it has no port on that network'


class NoMoreFixedIps(Invalid):
    """400: ``addFixedIp`` on a network with no free address (compute
    API reference, "Add (Associate) Fixed Ip": badRequest)."""
    msg_fmt = 'No fixed IP addresses available for network: ' \
              '%(network_id)s'


class FixedIpNotFoundForInstance(Invalid):
    """400: ``removeFixedIp`` of an address the server does not have
    (Nova's multinic API answers 400 for it)."""
    msg_fmt = 'Instance %(instance_uuid)s does not have fixed IP ' \
              '\'%(address)s\''


class FixedIpLastOfPort(Invalid):
    """400: ``removeFixedIp`` of the only address of a NIC's port: a
    nova_lite NIC always has an address (detach the interface instead)."""
    msg_fmt = 'Fixed IP %(address)s is the only address of port ' \
              '%(port_id)s of instance %(instance_uuid)s: detach that ' \
              'interface (os-interface) to remove it'


class InstanceIsLocked(Conflict):
    msg_fmt = 'Instance %(instance_uuid)s is locked'


class FlavorExists(Conflict):
    msg_fmt = 'Flavor with %(key)s %(value)s already exists.'


class UnexpectedTaskStateError(Conflict):
    msg_fmt = 'Conflict updating instance %(instance_uuid)s. Expected: ' \
              '%(expected)s. Actual: %(actual)s'


class ServiceUnavailable(NovaLiteException):
    msg_fmt = 'Service unavailable: %(reason)s'
    code = 503

    def __init__(self, message=None, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.headers = {'Retry-After': str(retry_after)} if retry_after else {}


class NoValidHost(NovaLiteException):
    """No host passed the filters, or every claim failed.

    ``reasons`` is a list of "<Filter> rejected N of M hosts: why" strings.
    """
    msg_fmt = 'No valid host was found. %(reason)s'
    code = 500

    def __init__(self, message=None, reason='', details=None, **kwargs):
        super().__init__(message, reason=reason, details=details or [],
                         **kwargs)
        self.details = self.kwargs['details']


class RescheduledException(NovaLiteException):
    msg_fmt = 'Build of instance %(instance_uuid)s was re-scheduled: ' \
              '%(reason)s'


class BuildAbortException(NovaLiteException):
    msg_fmt = 'Build of instance %(instance_uuid)s aborted: %(reason)s'


class InstanceDeployFailure(NovaLiteException):
    msg_fmt = 'Failed to deploy instance %(instance_uuid)s: %(reason)s'


class ResizeError(NovaLiteException):
    msg_fmt = 'Resize of instance %(instance_uuid)s failed: %(reason)s'


class ComputeServiceUnavailable(Invalid):
    """The compute service of a host is down (the compute API answers
    400 for host operations that need it)."""
    msg_fmt = 'Compute service of %(host)s is unavailable at this time.'


class VolumeAttachFailed(NovaLiteException):
    """The hypervisor did not plug a volume in (recorded as the attach
    action's event; the attachment is deleted again)."""
    msg_fmt = 'Failed to attach volume %(volume_id)s to %(instance_uuid)s'


class VolumeDetachFailed(NovaLiteException):
    """A volume hot-unplug the hypervisor refused or the guest did not
    finish (the volume stays attached)."""
    msg_fmt = 'Failed to detach volume %(volume_id)s from ' \
              '%(instance_uuid)s'


class InstanceNotRescuable(Invalid):
    """400: Nova's answer to the rescue of a server booted from a volume
    (before 2.87's stable device rescue, which nova_lite lacks)."""
    msg_fmt = 'Instance %(instance_id)s cannot be rescued: %(reason)s'


class VolumeSwapNotSupported(Invalid):
    """400: a PUT of os-volume_attachments naming another volume (a
    swap): nova_lite cannot move a running guest's disk to another
    volume."""
    msg_fmt = 'Swapping volume %(volume_id)s of server %(instance_uuid)s ' \
              'for another volume is not supported.'


class VolumeAttachmentNotFound(NotFound):
    """404 (compute API reference, os-volume_attachments)."""
    msg_fmt = 'Volume %(volume_id)s is not attached to %(instance_uuid)s'


class NotSupportedByDriver(NovaLiteException):
    """The host's virt driver does not implement an operation (501)."""
    msg_fmt = 'The %(operation)s operation is not supported by the ' \
              'hypervisor of %(host)s.'
    code = 501


class HypervisorUnavailable(NovaLiteException):
    msg_fmt = 'Connection to the hypervisor is broken on host %(host)s'


class VirtDriverNotFound(NovaLiteException):
    msg_fmt = 'Could not load virt driver %(name)s'


class VirtDriverDependencyMissing(VirtDriverNotFound):
    msg_fmt = ("The %(driver)s virt driver needs the Python module "
               "'%(module)s' from the package %(package)s, which is not "
               "installed: %(hint)s")


class ServiceStartInterrupted(NovaLiteException):
    """A stop signal arrived while a service was still starting (a
    compute waiting for its first conductor answer)."""
    msg_fmt = '%(binary)s on %(host)s was asked to stop while starting'


# ------------------------------------------- server groups and aggregates

class InstanceGroupNotFound(NotFound):
    msg_fmt = 'Server group %(group_uuid)s could not be found.'


class GroupPolicyViolation(Conflict):
    """A claim would break a hard (anti-)affinity policy: raised inside
    the claim transaction so concurrent boots cannot break the policy."""
    msg_fmt = 'Host %(host)s would break the %(policy)s policy of server ' \
              'group %(group_uuid)s'


class AggregateNotFound(NotFound):
    msg_fmt = 'Aggregate %(aggregate_id)s could not be found.'


class AggregateNameExists(Conflict):
    msg_fmt = 'Aggregate %(aggregate_name)s already exists.'


class AggregateHostExists(Conflict):
    msg_fmt = 'Aggregate %(aggregate_id)s already has host %(host)s.'


class AggregateHostNotFound(NotFound):
    msg_fmt = 'Aggregate %(aggregate_id)s has no host %(host)s.'


class InvalidAggregateAction(Invalid):
    """400: the action would leave the aggregate inconsistent (deleting a
    non-empty aggregate, a zone change that moves hosts across zones)."""
    msg_fmt = 'Cannot %(action)s aggregate %(aggregate_id)s: %(reason)s'


class AggregateActionConflict(Conflict):
    """409: a host cannot join an aggregate whose zone differs from the
    zone it is already in."""
    msg_fmt = 'Cannot %(action)s aggregate %(aggregate_id)s: %(reason)s'


# ------------------------------------------------------------- consoles

class ConsoleTypeInvalid(Invalid):
    """A console type the request names does not exist (400)."""
    msg_fmt = 'Invalid console type %(console_type)s'


class ConsoleTypeUnavailable(Invalid):
    """A console type exists but is not enabled on the server's host
    (400, as the compute API answers a disabled console)."""
    msg_fmt = 'Unavailable console type %(console_type)s.'


class ConsoleNotAvailable(Conflict):
    """The guest has no console to connect to right now (409: e.g. it
    is not running)."""
    msg_fmt = 'Guest does not have a console available.'


class ConsoleFeatureNotSupported(NovaLiteException):
    """A console protocol nova_lite has no support for (spice, rdp, mks:
    501, as the compute API answers a driver without it)."""
    msg_fmt = 'Action is not supported.'
    code = 501


class ConsoleTokenNotFound(NotFound):
    msg_fmt = 'The token \'%(token)s\' is invalid or has expired'


class InstanceNotReady(Conflict):
    msg_fmt = 'Instance %(instance_id)s has not been scheduled to a host ' \
              'yet.'


class MigrationPreCheckError(Invalid):
    """A live migration's destination or source check failed (CPU,
    memory, storage; 400 while the checks are synchronous, before
    microversion 2.34)."""
    msg_fmt = 'Migration pre-check error: %(reason)s'


class LiveMigrationAborted(NovaLiteException):
    """The driver stopped a live migration on request (abort, or the
    timeout action ``abort``); the guest stays on its source."""
    msg_fmt = 'Live migration of %(instance_uuid)s was aborted: %(reason)s'


class InvalidMigrationState(Conflict):
    """Forcing or aborting a live migration in a status that does not
    allow it (409, compute API reference, "Server migrations")."""
    msg_fmt = 'Migration %(migration_id)s state of instance ' \
              '%(instance_uuid)s is %(state)s. Cannot %(method)s while ' \
              'the migration is in this state.'


class LiveMigrationFailed(NovaLiteException):
    """The hypervisor could not move the guest; it still runs on its
    source (the live migration is rolled back)."""
    msg_fmt = 'Live migration of %(instance_uuid)s failed: %(reason)s'
