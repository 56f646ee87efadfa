"""The ``migrations`` table (a model of ``nova_lite.db.models``, which
imports it: use ``models.Migration``)."""
from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint

from nova_lite.db.models import Base
from nova_lite.db.models import SoftDeleteMixin
from nova_lite.db.models import TimestampMixin


class Migration(TimestampMixin, SoftDeleteMixin, Base):
    """A move of an instance between hosts (cold or live migration,
    resize, evacuation), as the compute API's os-migrations lists it.
    ``old_instance_type_id``/``new_instance_type_id`` are ``flavors.id``;
    the ``memory_*``/``disk_*`` progress of a live migration is in bytes.
    Resizes write rows (``nova_lite.db.resize``)."""
    __tablename__ = 'migrations'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_migrations0uuid'),
        Index('migrations_instance_uuid_and_status_idx', 'deleted',
              'instance_uuid', 'status'),
        Index('migrations_updated_at_idx', 'updated_at'),
        Index('migrations_created_at_id_idx', 'created_at', 'id'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    source_compute = Column(String(255))
    dest_compute = Column(String(255))
    source_node = Column(String(255))
    dest_node = Column(String(255))
    dest_host = Column(String(255))
    old_instance_type_id = Column(Integer)
    new_instance_type_id = Column(Integer)
    instance_uuid = Column(String(36))
    status = Column(String(255))
    migration_type = Column(String(32))    # migration, resize, ...
    hidden = Column(Boolean, nullable=False, default=False)
    cross_cell_move = Column(Boolean, nullable=False, default=False)
    user_id = Column(String(255))
    project_id = Column(String(255))
    memory_total = Column(BigInteger)
    memory_processed = Column(BigInteger)
    memory_remaining = Column(BigInteger)
    disk_total = Column(BigInteger)
    disk_processed = Column(BigInteger)
    disk_remaining = Column(BigInteger)
    # A resize's flavors as JSON objects (nova_lite.db.resize): before
    # (restored by a revert) and after.
    old_flavor = Column(Text)
    new_flavor = Column(Text)
