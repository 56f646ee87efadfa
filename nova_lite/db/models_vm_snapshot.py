"""The ``vm_snapshots`` table (a model of ``nova_lite.db.models``, which
imports it: use ``models.VMSnapshot``)."""
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint

from nova_lite.db.models import Base
from nova_lite.db.models import SoftDeleteMixin
from nova_lite.db.models import TimestampMixin


class VMSnapshot(TimestampMixin, SoftDeleteMixin, Base):
    """A CloudStack VM snapshot: the state of an instance's root disk
    (``type`` Disk) or of its disk and memory (DiskAndMemory) kept by its
    hypervisor (a libvirt internal snapshot named ``uuid``). ``state``:
    Allocated, Creating, Ready, Reverting, Expunging or Error
    (CloudStack's VMSnapshot.State); ``current`` marks the snapshot the
    instance was last taken or reverted to, ``parent_uuid`` the one that
    was current when it was taken; ``request_id`` names the request of
    the operation in progress (its instance action), NULL when none."""
    __tablename__ = 'vm_snapshots'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_vm_snapshots0uuid'),
        Index('vm_snapshots_instance_uuid_idx', 'instance_uuid',
              'deleted'),
        Index('vm_snapshots_project_id_idx', 'project_id', 'deleted'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    instance_uuid = Column(String(36), nullable=False)
    project_id = Column(String(255))
    user_id = Column(String(255))
    display_name = Column(String(255), nullable=False)
    name = Column(String(255), nullable=False)
    description = Column(String(255))
    type = Column(String(16), nullable=False)           # Disk, DiskAndMemory
    state = Column(String(16), nullable=False)          # Allocated, ...
    current = Column(Boolean, nullable=False, default=False)
    parent_uuid = Column(String(36))
    request_id = Column(String(255))
