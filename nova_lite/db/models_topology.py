"""The CloudStack hierarchy below a zone: ``pods``, ``clusters`` and
``cluster_hosts``, and the cloud-wide ``global_settings`` (models of
``nova_lite.db.models``, which imports them: use ``models.Pod``,
``models.Cluster``, ``models.ClusterHost``, ``models.GlobalSetting``).

A zone is an availability zone (its name); a pod is in one zone, a
cluster in one pod, a compute host in at most one cluster (CloudStack
admin guide, "Cloud infrastructure concepts").
"""
from sqlalchemy import Column
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint

from nova_lite.db.models import Base
from nova_lite.db.models import SoftDeleteMixin
from nova_lite.db.models import TimestampMixin


class Pod(TimestampMixin, SoftDeleteMixin, Base):
    """A pod (a rack: one subnet) of availability zone ``zone``; the
    gateway, netmask and address range are optional records of its
    management subnet."""
    __tablename__ = 'pods'
    __table_args__ = (
        UniqueConstraint('zone', 'name', 'deleted',
                         name='uniq_pods0zone0name0deleted'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    zone = Column(String(255), nullable=False)
    name = Column(String(255), nullable=False)
    gateway = Column(String(64))
    netmask = Column(String(64))
    start_ip = Column(String(64))
    end_ip = Column(String(64))


class Cluster(TimestampMixin, SoftDeleteMixin, Base):
    """A cluster of hosts of one hypervisor type in pod ``pod_id``; its
    CPU and memory overcommit ratios, when set, replace the hosts' own
    ``cpu_allocation_ratio``/``ram_allocation_ratio`` in claims."""
    __tablename__ = 'clusters'
    __table_args__ = (
        UniqueConstraint('pod_id', 'name', 'deleted',
                         name='uniq_clusters0pod_id0name0deleted'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    pod_id = Column(Integer, ForeignKey('pods.id'), nullable=False,
                    index=True)
    name = Column(String(255), nullable=False)
    hypervisor_type = Column(String(255))
    cpu_overcommit_ratio = Column(Float)
    mem_overcommit_ratio = Column(Float)


class ClusterHost(Base):
    """The cluster of a compute host (at most one per host)."""
    __tablename__ = 'cluster_hosts'
    id = Column(Integer, primary_key=True)
    host = Column(String(255), nullable=False, unique=True)
    cluster_id = Column(Integer, ForeignKey('clusters.id'), nullable=False,
                        index=True)


class GlobalSetting(TimestampMixin, Base):
    """A numeric setting of the whole cloud changed at run time
    (CloudStack's global ``cpu.overcommit.ratio`` and
    ``mem.overcommit.ratio``: the ratios of hosts whose cluster sets
    none). A missing row is an unset setting."""
    __tablename__ = 'global_settings'
    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False, unique=True)
    value = Column(Float, nullable=False)
