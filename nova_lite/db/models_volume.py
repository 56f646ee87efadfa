"""The block storage tables (a model module of ``nova_lite.db.models``,
which imports it: use ``models.Volume`` etc.). Their schema has its own
Alembic branch (label ``volume``, ``migrations/versions/v001_*``) so that
it never interleaves with the main chain's revisions.

Sizes are GiB; statuses are the Block Storage API's
(``nova_lite.volume.states``).
"""
from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import Float
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import false as sa_false
from sqlalchemy import UniqueConstraint
from sqlalchemy.types import JSON

from nova_lite.db.models import Base
from nova_lite.db.models import SoftDeleteMixin
from nova_lite.db.models import TimestampMixin


class VolumeType(TimestampMixin, SoftDeleteMixin, Base):
    """A volume type (``__DEFAULT__`` always exists); ``extra_specs`` a
    ``{key: value}`` JSON object."""
    __tablename__ = 'volume_types'
    __table_args__ = (Index('volume_types_name_idx', 'name', 'deleted'),)
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    name = Column(String(255), nullable=False)
    description = Column(String(255))
    is_public = Column(Boolean, nullable=False, default=True)
    extra_specs = Column(JSON)


class Volume(TimestampMixin, SoftDeleteMixin, Base):
    """A volume: ``size`` GiB, ``status`` of the Block Storage API's
    machine, ``host`` the volume service that holds its file,
    ``provider_location`` the driver's name for it (file path),
    ``format`` raw or qcow2, ``status_updated_at`` when ``status`` last
    changed (the sweeper's clock)."""
    __tablename__ = 'volumes'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_volumes0uuid'),
        Index('volumes_project_id_idx', 'project_id', 'deleted'),
        Index('volumes_status_idx', 'status', 'deleted'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    project_id = Column(String(255), nullable=False)
    user_id = Column(String(255))
    display_name = Column(String(255))
    display_description = Column(String(255))
    size = Column(Integer, nullable=False)
    status = Column(String(32), nullable=False)
    previous_status = Column(String(32))
    attach_status = Column(String(32), nullable=False, default='detached')
    availability_zone = Column(String(255))
    volume_type_id = Column(String(36))
    bootable = Column(Boolean, nullable=False, default=False)
    multiattach = Column(Boolean, nullable=False, default=False)
    host = Column(String(255))
    provider_location = Column(String(1024))
    format = Column(String(16))
    source_image_id = Column(String(36))
    snapshot_id = Column(String(36))
    volume_metadata = Column(JSON)
    status_updated_at = Column(DateTime)
    # The storage pool holding it (revision v004); NULL: the default
    # pool of ``host`` (``[volume] volumes_dir``).
    pool_uuid = Column(String(36))


class StoragePool(TimestampMixin, SoftDeleteMixin, Base):
    """A storage pool (CloudStack primary storage): directory ``path`` of
    volume service ``host``, ``capacity_gb`` GiB of which
    ``capacity_gb * over_provisioning`` may be allocated to volumes;
    scope CLUSTER when ``cluster_uuid`` is set (its volumes serve the
    VMs of that cluster), else ZONE. ``state`` Up, Maintenance or
    Disabled (only Up pools take new volumes)."""
    __tablename__ = 'storage_pools'
    __table_args__ = (
        UniqueConstraint('name', 'deleted',
                         name='uniq_storage_pools0name0deleted'),
        Index('storage_pools_cluster_idx', 'cluster_uuid', 'deleted'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    name = Column(String(255), nullable=False)
    host = Column(String(255), nullable=False)
    path = Column(String(1024), nullable=False)
    zone = Column(String(255), nullable=False)
    pod_uuid = Column(String(36))
    cluster_uuid = Column(String(36))
    capacity_gb = Column(Integer, nullable=False)
    over_provisioning = Column(Float, nullable=False, default=1.0)
    state = Column(String(32), nullable=False, default='Up')


class VolumeAttachment(TimestampMixin, SoftDeleteMixin, Base):
    """One attachment of a volume to an instance on a compute host.

    ``attach_status`` reserved, attaching, attached, detaching or
    detached; ``connector`` what the attacher sent (its ``ip`` is the one
    address the export answers); ``connection_info`` the export's
    ``{"driver_volume_type": "nbd", "data": {...}}``; ``export_port``
    the NBD server's TCP port (unique per host while open)."""
    __tablename__ = 'volume_attachments'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_volume_attachments0uuid'),
        Index('volume_attachments_volume_idx', 'volume_uuid', 'deleted'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    volume_uuid = Column(String(36), nullable=False)
    instance_uuid = Column(String(36))
    attached_host = Column(String(255))
    mountpoint = Column(String(255))
    attach_mode = Column(String(8), nullable=False, default='rw')
    attach_status = Column(String(32), nullable=False)
    connector = Column(JSON)
    connection_info = Column(JSON)
    export_port = Column(Integer)
    attach_time = Column(DateTime)
    detach_time = Column(DateTime)
    # The compute's block device mapping (revision v002): device tag
    # (2.49), delete_on_termination (2.79), the mapping's id (2.89).
    tag = Column(String(255))
    delete_on_termination = Column(Boolean, nullable=False, default=False,
                                   server_default=sa_false())
    bdm_uuid = Column(String(36))
    # Its boot index (revision v003): 0 for the volume a server boots
    # from, NULL for a hot-plugged volume.
    boot_index = Column(Integer)


class VolumeSnapshot(TimestampMixin, SoftDeleteMixin, Base):
    """A snapshot of a volume (a full copy beside its file); ``status``
    creating, available, deleting or error."""
    __tablename__ = 'volume_snapshots'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_volume_snapshots0uuid'),
        Index('volume_snapshots_volume_idx', 'volume_uuid', 'deleted'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    volume_uuid = Column(String(36), nullable=False)
    project_id = Column(String(255), nullable=False)
    user_id = Column(String(255))
    display_name = Column(String(255))
    display_description = Column(String(255))
    volume_size = Column(Integer, nullable=False)
    status = Column(String(32), nullable=False)
    provider_location = Column(String(1024))
    snapshot_metadata = Column(Text)
    status_updated_at = Column(DateTime)


class VolumeQuotaUsage(TimestampMixin, Base):
    """What a project holds of ``volumes``, ``gigabytes`` and
    ``snapshots``: raised by a conditional UPDATE (``in_use + delta <=
    limit``) in the transaction that creates the row it counts, lowered
    in the one that deletes it."""
    __tablename__ = 'volume_quota_usages'
    __table_args__ = (
        UniqueConstraint('project_id', 'resource',
                         name='uniq_volume_quota_usages0project0resource'),
    )
    id = Column(Integer, primary_key=True)
    project_id = Column(String(255), nullable=False)
    resource = Column(String(32), nullable=False)
    in_use = Column(BigInteger, nullable=False, default=0)
