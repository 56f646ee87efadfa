"""SQLAlchemy models of nova_lite's schema.

Soft-deleted tables carry ``deleted`` (0 while live, the row id once
deleted) so unique constraints can include it, as Nova does.
Units: memory in MiB, disks in GiB.
"""
from oslo_utils import timeutils
from sqlalchemy import (BigInteger, Boolean, Column, DateTime, Float,
                        ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy import false as sa_false
from sqlalchemy import orm
from sqlalchemy.types import JSON


def _utcnow():
    """Naive UTC now (the columns store UTC without a zone)."""
    return timeutils.utcnow()


class Base(orm.DeclarativeBase):
    pass


class TimestampMixin:
    created_at = Column(DateTime, default=_utcnow, nullable=False)
    updated_at = Column(DateTime, onupdate=_utcnow)


class SoftDeleteMixin:
    deleted_at = Column(DateTime)
    deleted = Column(Integer, default=0, nullable=False)


class Service(TimestampMixin, SoftDeleteMixin, Base):
    """A running nova_lite service; ``last_seen_up`` is its heartbeat."""
    __tablename__ = 'services'
    __table_args__ = (
        UniqueConstraint('host', 'binary', 'deleted',
                         name='uniq_services0host0binary0deleted'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    host = Column(String(255), nullable=False)
    binary = Column(String(255), nullable=False)
    topic = Column(String(255))
    report_count = Column(Integer, nullable=False, default=0)
    disabled = Column(Boolean, nullable=False, default=False)
    disabled_reason = Column(String(255))
    forced_down = Column(Boolean, nullable=False, default=False)
    last_seen_up = Column(DateTime, index=True)
    version = Column(Integer, nullable=False, default=1)


class ComputeNode(TimestampMixin, SoftDeleteMixin, Base):
    """A hypervisor node: totals reported by the compute, usage by claims."""
    __tablename__ = 'compute_nodes'
    __table_args__ = (
        UniqueConstraint('host', 'hypervisor_hostname', 'deleted',
                         name='uniq_compute_nodes0host0node0deleted'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    host = Column(String(255), nullable=False, index=True)
    hypervisor_hostname = Column(String(255), nullable=False)
    hypervisor_type = Column(String(255), nullable=False, default='fake')
    hypervisor_version = Column(Integer, nullable=False, default=0)
    host_ip = Column(String(64))
    vcpus = Column(Integer, nullable=False, default=0)
    memory_mb = Column(Integer, nullable=False, default=0)
    local_gb = Column(Integer, nullable=False, default=0)
    vcpus_used = Column(Integer, nullable=False, default=0)
    memory_mb_used = Column(Integer, nullable=False, default=0)
    local_gb_used = Column(Integer, nullable=False, default=0)
    running_vms = Column(Integer, nullable=False, default=0)
    cpu_allocation_ratio = Column(Float, nullable=False, default=16.0)
    ram_allocation_ratio = Column(Float, nullable=False, default=1.5)
    disk_allocation_ratio = Column(Float, nullable=False, default=1.0)
    reserved_memory_mb = Column(Integer, nullable=False, default=0)
    reserved_disk_gb = Column(Integer, nullable=False, default=0)
    generation = Column(Integer, nullable=False, default=0)


class Allocation(Base):
    """Resources of one instance claimed on one compute node."""
    __tablename__ = 'allocations'
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), nullable=False, unique=True)
    compute_node_id = Column(Integer, ForeignKey('compute_nodes.id'),
                             nullable=False, index=True)
    vcpus = Column(Integer, nullable=False)
    memory_mb = Column(Integer, nullable=False)
    disk_gb = Column(Integer, nullable=False)
    created_at = Column(DateTime, default=_utcnow, nullable=False)


class Flavor(TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = 'flavors'
    __table_args__ = (
        UniqueConstraint('flavorid', 'deleted',
                         name='uniq_flavors0flavorid0deleted'),
        UniqueConstraint('name', 'deleted', name='uniq_flavors0name0deleted'),
    )
    id = Column(Integer, primary_key=True)
    flavorid = Column(String(255), nullable=False)
    name = Column(String(255), nullable=False)
    description = Column(Text)
    memory_mb = Column(Integer, nullable=False)
    vcpus = Column(Integer, nullable=False)
    root_gb = Column(Integer, nullable=False, default=0)
    ephemeral_gb = Column(Integer, nullable=False, default=0)
    swap = Column(Integer, nullable=False, default=0)
    rxtx_factor = Column(Float, nullable=False, default=1.0)
    is_public = Column(Boolean, nullable=False, default=True)
    disabled = Column(Boolean, nullable=False, default=False)


class FlavorExtraSpec(TimestampMixin, Base):
    """A key/value of a flavor (os-extra_specs)."""
    __tablename__ = 'flavor_extra_specs'
    __table_args__ = (
        UniqueConstraint('flavor_id', 'key',
                         name='uniq_flavor_extra_specs0flavor_id0key'),
    )
    id = Column(Integer, primary_key=True)
    flavor_id = Column(Integer, ForeignKey('flavors.id', ondelete='CASCADE'),
                       nullable=False)
    key = Column(String(255), nullable=False)
    value = Column(String(255))


class FlavorProject(TimestampMixin, Base):
    """A project given access to a private flavor (os-flavor-access)."""
    __tablename__ = 'flavor_projects'
    __table_args__ = (
        UniqueConstraint('flavor_id', 'project_id',
                         name='uniq_flavor_projects0flavor_id0project_id'),
        Index('flavor_projects_project_id_idx', 'project_id'),
    )
    id = Column(Integer, primary_key=True)
    flavor_id = Column(Integer, ForeignKey('flavors.id', ondelete='CASCADE'),
                       nullable=False)
    project_id = Column(String(255), nullable=False)


class Image(TimestampMixin, SoftDeleteMixin, Base):
    """An image of the local image store (Glance v2 fields)."""
    __tablename__ = 'images'
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    name = Column(String(255), index=True)
    status = Column(String(32), nullable=False, default='queued')
    disk_format = Column(String(32))
    container_format = Column(String(32))
    size = Column(BigInteger)
    checksum = Column(String(64))
    min_disk = Column(Integer, nullable=False, default=0)
    min_ram = Column(Integer, nullable=False, default=0)
    visibility = Column(String(32), nullable=False, default='public')
    protected = Column(Boolean, nullable=False, default=False)
    owner = Column(String(255))
    properties = Column(JSON, nullable=False, default=dict)


class ImageMember(TimestampMixin, Base):
    """A project an image is shared with (Glance v2 image members);
    ``status`` is pending, accepted or rejected.  Removing a member
    deletes its row."""
    __tablename__ = 'image_members'
    __table_args__ = (
        UniqueConstraint('image_id', 'member',
                         name='uniq_image_members0image_id0member'),
        Index('image_members_member_status_idx', 'member', 'status'),
    )
    id = Column(Integer, primary_key=True)
    image_id = Column(Integer, ForeignKey('images.id', ondelete='CASCADE'),
                      nullable=False)
    member = Column(String(255), nullable=False)
    status = Column(String(20), nullable=False, default='pending')


class Instance(TimestampMixin, SoftDeleteMixin, Base):
    """A server. Flavor fields are copied at create time."""
    __tablename__ = 'instances'
    __table_args__ = (
        # Alembic 0028: the project listing reads a page in index order.
        Index('instances_project_deleted_created_idx', 'project_id',
              'deleted', 'created_at', 'id'),
        Index('instances_host_deleted_idx', 'host', 'deleted'),
        Index('instances_reservation_id_idx', 'reservation_id'),
        Index('instances_updated_at_idx', 'updated_at'),
        Index('instances_state_idx', 'vm_state', 'task_state'),
        # The usage window (os-simple-tenant-usage, usage audit).
        Index('instances_terminated_at_launched_at_idx', 'terminated_at',
              'launched_at'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    display_name = Column(String(255), index=True)
    hostname = Column(String(255))
    project_id = Column(String(255))
    user_id = Column(String(255))
    image_ref = Column(String(255))
    flavor_id = Column(String(255))
    flavor_name = Column(String(255))
    vcpus = Column(Integer, nullable=False)
    memory_mb = Column(Integer, nullable=False)
    root_gb = Column(Integer, nullable=False)
    ephemeral_gb = Column(Integer, nullable=False, default=0)
    host = Column(String(255))
    node = Column(String(255))
    vm_state = Column(String(255), nullable=False)
    task_state = Column(String(255))
    power_state = Column(Integer, nullable=False, default=0)
    reservation_id = Column(String(255))
    launch_index = Column(Integer)
    availability_zone = Column(String(255))
    key_name = Column(String(255))
    key_data = Column(Text)
    user_data = Column(Text)
    locked = Column(Boolean, nullable=False, default=False)
    locked_by = Column(String(255))
    # Why the server is locked (microversion 2.73), while it is.
    locked_reason = Column(String(255))
    access_ip_v4 = Column(String(15))
    access_ip_v6 = Column(String(45))
    # The server description (compute API microversion 2.19).
    display_description = Column(String(255))
    # Hypervisor-side name ([DEFAULT] instance_name_template), set at
    # create time; see nova_lite.compute.naming.
    instance_name = Column(String(255))
    # What the create request asked of the network (microversion 2.37):
    # NULL for the flat network, 'none' for no network at all.
    network_request = Column(String(16))
    #: The NICs the create request asked for (microversion 2.37 and
    #: before): [{"network_id"?, "port_id"?, "fixed_ip"?}]; NULL for the
    #: flat network (``network_request`` NULL) or none ('none').
    requested_networks = Column(JSON)
    # The rest of the flavor copied at create time (microversion 2.47's
    # embedded flavor): swap in MiB, extra specs as a JSON object.
    flavor_swap = Column(Integer)
    flavor_extra_specs = Column(Text)
    # The image's properties (JSON object of strings) and the create
    # request's scheduler hints (JSON object of lists of strings), for
    # microversions 2.98 and 2.100.
    image_properties = Column(Text)
    scheduler_hints = Column(Text)
    launched_at = Column(DateTime)
    terminated_at = Column(DateTime)
    # While SOFT_DELETED: when a compute deletes it for good (naive UTC).
    reclaim_at = Column(DateTime)
    # The create request's volume block device mappings (revision
    # 0026, doc/volumes.md "Boot from volume"): a JSON list of
    # {source_type, uuid, volume_id, volume_size, boot_index,
    # device_name, tag, delete_on_termination, volume_type}; NULL when
    # the request had none.
    block_device_mapping = Column(JSON)
    # Shelve (doc/lifecycle-shelve.md): the image the root disk is saved
    # into, when the instance became SHELVED (naive UTC) and on which
    # host; NULL unless shelving, SHELVED or SHELVED_OFFLOADED.
    shelved_at = Column(DateTime)
    shelved_image_id = Column(String(36))
    shelved_host = Column(String(255))
    # Guest metadata (nova_lite.metadata): a config drive was asked for;
    # the admin password for the guest's next boot (handed out once);
    # the encrypted password the guest posted (os-server-password).
    config_drive = Column(Boolean, nullable=False, default=False,
                          server_default=sa_false())
    admin_pass = Column(Text)
    guest_password = Column(Text)

    metadata_items = orm.relationship(
        'InstanceMetadata', lazy='selectin',
        primaryjoin='and_(Instance.uuid == InstanceMetadata.instance_uuid,'
                    'InstanceMetadata.deleted == 0)',
        foreign_keys='InstanceMetadata.instance_uuid', viewonly=True)
    fixed_ips = orm.relationship(
        'FixedIP', lazy='selectin',
        primaryjoin='Instance.uuid == FixedIP.instance_uuid',
        foreign_keys='FixedIP.instance_uuid', viewonly=True)
    faults = orm.relationship(
        'InstanceFault', lazy='noload',
        primaryjoin='Instance.uuid == InstanceFault.instance_uuid',
        foreign_keys='InstanceFault.instance_uuid', viewonly=True,
        order_by='InstanceFault.id.desc()')


class InstanceMetadata(TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = 'instance_metadata'
    __table_args__ = (
        Index('instance_metadata_instance_uuid_idx', 'instance_uuid'),
    )
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), nullable=False)
    key = Column(String(255), nullable=False)
    value = Column(String(255))


class Tag(Base):
    """A tag of a server (compute API microversion 2.26)."""
    __tablename__ = 'tags'
    __table_args__ = (Index('tags_tag_idx', 'tag'),)
    resource_id = Column(String(36), primary_key=True)
    tag = Column(String(80), primary_key=True)


class InstanceFault(Base):
    """Why an instance went to ERROR (or a build was rescheduled)."""
    __tablename__ = 'instance_faults'
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), nullable=False, index=True)
    code = Column(Integer, nullable=False)
    message = Column(String(255))
    details = Column(Text)
    host = Column(String(255))
    created_at = Column(DateTime, default=_utcnow, nullable=False)


class InstanceAction(Base):
    """A user-visible action on an instance (os-instance-actions)."""
    __tablename__ = 'instance_actions'
    __table_args__ = (
        Index('instance_actions_uuid_request_idx', 'instance_uuid',
              'request_id'),
    )
    id = Column(Integer, primary_key=True)
    action = Column(String(255), nullable=False)
    instance_uuid = Column(String(36), nullable=False)
    request_id = Column(String(255))
    user_id = Column(String(255))
    project_id = Column(String(255))
    start_time = Column(DateTime, default=_utcnow, nullable=False)
    finish_time = Column(DateTime)
    message = Column(String(255))
    updated_at = Column(DateTime, onupdate=_utcnow)


class InstanceActionEvent(Base):
    """A step of an action done by one service (e.g. compute_build)."""
    __tablename__ = 'instance_actions_events'
    id = Column(Integer, primary_key=True)
    action_id = Column(Integer, ForeignKey('instance_actions.id'),
                       nullable=False, index=True)
    event = Column(String(255), nullable=False)
    start_time = Column(DateTime, default=_utcnow, nullable=False)
    finish_time = Column(DateTime)
    result = Column(String(255))
    traceback = Column(Text)
    host = Column(String(255))
    details = Column(Text)


class KeyPair(TimestampMixin, SoftDeleteMixin, Base):
    """An SSH key pair of a user (os-keypairs); the private key is never
    stored."""
    __tablename__ = 'key_pairs'
    __table_args__ = (
        UniqueConstraint('user_id', 'name', 'deleted',
                         name='uniq_key_pairs0user_id0name0deleted'),
    )
    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)
    user_id = Column(String(255), nullable=False, index=True)
    project_id = Column(String(255))
    fingerprint = Column(String(255))
    public_key = Column(Text)
    type = Column(String(16), nullable=False, default='ssh')


class Quota(TimestampMixin, Base):
    """A per-project override of a default quota limit (-1 = unlimited)."""
    __tablename__ = 'quotas'
    __table_args__ = (
        UniqueConstraint('project_id', 'resource',
                         name='uniq_quotas0project_id0resource'),
    )
    id = Column(Integer, primary_key=True)
    project_id = Column(String(255), nullable=False)
    resource = Column(String(255), nullable=False)
    hard_limit = Column(Integer, nullable=False)


class ProjectUserQuota(TimestampMixin, Base):
    """A per-user override of a project's limit (os-quota-sets with
    ``user_id``; -1 = unlimited)."""
    __tablename__ = 'project_user_quotas'
    __table_args__ = (
        UniqueConstraint('project_id', 'user_id', 'resource',
                         name='uniq_project_user_quotas0project_id0user_id'
                              '0resource'),
    )
    id = Column(Integer, primary_key=True)
    project_id = Column(String(255), nullable=False)
    user_id = Column(String(255), nullable=False)
    resource = Column(String(255), nullable=False)
    hard_limit = Column(Integer, nullable=False)


class QuotaClass(TimestampMixin, Base):
    """A limit of a quota class (os-quota-class-sets); the ``default``
    class supplies the default limits (-1 = unlimited)."""
    __tablename__ = 'quota_classes'
    __table_args__ = (
        UniqueConstraint('class_name', 'resource',
                         name='uniq_quota_classes0class_name0resource'),
    )
    id = Column(Integer, primary_key=True)
    class_name = Column(String(255), nullable=False)
    resource = Column(String(255), nullable=False)
    hard_limit = Column(Integer, nullable=False)


class InstanceGroup(TimestampMixin, SoftDeleteMixin, Base):
    """A server group (os-server-groups) with its scheduling policy."""
    __tablename__ = 'instance_groups'
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    name = Column(String(255))
    policy = Column(String(255), nullable=False)
    rules = Column(JSON, nullable=False, default=dict)
    project_id = Column(String(255), index=True)
    user_id = Column(String(255))


class InstanceGroupMember(TimestampMixin, Base):
    __tablename__ = 'instance_group_members'
    __table_args__ = (
        UniqueConstraint('group_id', 'instance_uuid',
                         name='uniq_instance_group_members0group0instance'),
    )
    id = Column(Integer, primary_key=True)
    group_id = Column(Integer, ForeignKey('instance_groups.id'),
                      nullable=False, index=True)
    instance_uuid = Column(String(36), nullable=False, index=True)


class Aggregate(TimestampMixin, SoftDeleteMixin, Base):
    """A host aggregate (os-aggregates); ``availability_zone`` metadata
    makes it an availability zone."""
    __tablename__ = 'aggregates'
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    name = Column(String(255), nullable=False)


class AggregateHost(TimestampMixin, Base):
    __tablename__ = 'aggregate_hosts'
    __table_args__ = (
        UniqueConstraint('aggregate_id', 'host',
                         name='uniq_aggregate_hosts0aggregate_id0host'),
    )
    id = Column(Integer, primary_key=True)
    aggregate_id = Column(Integer, ForeignKey('aggregates.id'),
                          nullable=False, index=True)
    host = Column(String(255), nullable=False, index=True)


class AggregateMetadata(TimestampMixin, Base):
    __tablename__ = 'aggregate_metadata'
    __table_args__ = (
        UniqueConstraint('aggregate_id', 'key',
                         name='uniq_aggregate_metadata0aggregate_id0key'),
    )
    id = Column(Integer, primary_key=True)
    aggregate_id = Column(Integer, ForeignKey('aggregates.id'),
                          nullable=False, index=True)
    key = Column(String(255), nullable=False)
    value = Column(String(255), nullable=False)


class AsyncJob(TimestampMixin, Base):
    """A CloudStack async job (queryAsyncJobResult): status 0 pending,
    1 succeeded, 2 failed."""
    __tablename__ = 'async_jobs'
    __table_args__ = (
        Index('async_jobs_instance_uuid_idx', 'instance_uuid'),
        Index('async_jobs_project_status_idx', 'project_id', 'status'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    command = Column(String(255), nullable=False)
    user_id = Column(String(255))
    project_id = Column(String(255))
    instance_uuid = Column(String(36))
    resource_type = Column(String(64))
    expected_state = Column(String(64))
    status = Column(Integer, nullable=False, default=0)
    result_code = Column(Integer, nullable=False, default=0)
    result = Column(JSON)
    completed_at = Column(DateTime)


class Event(TimestampMixin, Base):
    """A CloudStack event (listEvents), recorded from a notification
    (``nova_lite.cloudstack.events``); ``message_id`` is the
    notification's, so a redelivered one is recorded once."""
    __tablename__ = 'events'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_events0uuid'),
        UniqueConstraint('message_id', name='uniq_events0message_id'),
        Index('events_project_id_idx', 'project_id', 'id'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    type = Column(String(32), nullable=False)       # VM.CREATE ...
    level = Column(String(16), nullable=False)      # INFO, ERROR
    state = Column(String(16), nullable=False)      # Completed
    description = Column(String(255))
    resource_id = Column(String(36))                # instance uuid
    user_id = Column(String(255))
    project_id = Column(String(255))
    message_id = Column(String(36))


class TaskLog(TimestampMixin, Base):
    """One run of a periodic task on a host for one period (the instance
    usage audit: ``task_name`` 'instance_usage_audit'); ``state`` is
    RUNNING, then DONE (os-instance_usage_audit_log)."""
    __tablename__ = 'task_log'
    __table_args__ = (
        UniqueConstraint(
            'task_name', 'host', 'period_beginning', 'period_ending',
            name='uniq_task_log0task_name0host0period_beginning0'
                 'period_ending'),
        Index('task_log_period_idx', 'period_beginning', 'period_ending'),
    )
    id = Column(Integer, primary_key=True)
    task_name = Column(String(255), nullable=False)
    state = Column(String(255), nullable=False)
    host = Column(String(255), nullable=False)
    period_beginning = Column(DateTime, nullable=False)
    period_ending = Column(DateTime, nullable=False)
    message = Column(String(255), nullable=False, default='')
    task_items = Column(Integer, nullable=False, default=0)
    errors = Column(Integer, nullable=False, default=0)


class ApiKey(TimestampMixin, SoftDeleteMixin, Base):
    """A CloudStack API key of a Keystone user; the secret key lives in
    Keystone's credential store (``credential_id``), not here."""
    __tablename__ = 'api_keys'
    id = Column(Integer, primary_key=True)
    api_key = Column(String(255), nullable=False, unique=True)
    credential_id = Column(String(255), nullable=False)
    user_id = Column(String(255), nullable=False, index=True)
    project_id = Column(String(255), nullable=False)


# The migrations table has a module of its own (module size); it is
# imported here, last, so that it is on Base.metadata and
# models.Migration works. Import it only through this module.
from nova_lite.db.models_migration import Migration  # noqa: E402,F401
from nova_lite.db.models_vm_snapshot import VMSnapshot  # noqa: E402,F401
from nova_lite.db.models_console import ConsoleAuthToken  # noqa: E402,F401
# Security groups (Networking API) likewise.
from nova_lite.db.models_secgroup import (  # noqa: E402,F401
    DefaultSecurityGroup, InstanceSecurityGroup, SecurityGroup,
    SecurityGroupRule)
# Networks, subnets, ports and their addresses (Networking API) likewise.
from nova_lite.db.models_network import (  # noqa: E402,F401
    FixedIP, Network, Port, Subnet)
# Routers and floating IPs (Networking API) likewise.
from nova_lite.db.models_l3 import FloatingIP, Router  # noqa: E402,F401
# Block storage (own Alembic branch ``volume``) likewise.
from nova_lite.db.models_volume import (  # noqa: E402,F401
    StoragePool, Volume, VolumeAttachment, VolumeQuotaUsage, VolumeSnapshot,
    VolumeType)
# Pods, clusters and the cluster of each host (CloudStack) likewise.
from nova_lite.db.models_topology import (  # noqa: E402,F401
    Cluster, ClusterHost, GlobalSetting, Pod)
# Login sessions of the CloudStack API likewise.
from nova_lite.db.models_cloudstack import CloudStackSession  # noqa: E402,F401
# Signed-in sessions of the web dashboard likewise.
from nova_lite.db.models_dashboard import DashboardSession  # noqa: E402,F401
