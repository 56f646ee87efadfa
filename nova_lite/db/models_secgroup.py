"""Security groups of the Networking API (``nova_lite.api.network``):
groups, their rules, each project's ``default`` group and the groups of
each instance. Models of ``nova_lite.db.models`` (which imports this
module last): use ``models.SecurityGroup`` etc.

Groups and rules are deleted for good (the Networking API keeps no
deleted resources); ``uuid`` is the API id. Rules and memberships are
removed with their group by ``nova_lite.db.security_groups`` (not by
database cascades, which SQLite only applies with foreign keys on).
"""
from sqlalchemy import Column
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint

from nova_lite.db.models import Base
from nova_lite.db.models import TimestampMixin


class SecurityGroup(TimestampMixin, Base):
    """A named set of rules owned by a project; ``revision_number``
    counts its changes and its rules' (Networking API standard
    attribute)."""
    __tablename__ = 'security_groups'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_security_groups0uuid'),
        Index('security_groups_project_id_idx', 'project_id'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    project_id = Column(String(255), nullable=False)
    name = Column(String(255), nullable=False, default='')
    description = Column(String(255), nullable=False, default='')
    revision_number = Column(Integer, nullable=False, default=0)


class DefaultSecurityGroup(Base):
    """The ``default`` group of a project: one row per project, so that
    concurrent first uses create it once (the loser of the insert race
    reads the winner's)."""
    __tablename__ = 'default_security_groups'
    project_id = Column(String(255), primary_key=True)
    security_group_id = Column(Integer, ForeignKey('security_groups.id'),
                               nullable=False)


class SecurityGroupRule(TimestampMixin, Base):
    """One rule: traffic in ``direction`` ('ingress' | 'egress') of
    ``ethertype`` ('IPv4' | 'IPv6'), ``protocol`` (a name, a number as
    text, or NULL for any), ports ``port_range_min``..``max`` (ICMP type
    and code for ICMP), from/to ``remote_ip_prefix`` (a CIDR) or the
    members of ``remote_group_id`` (``security_groups.id``), or anyone
    when both are NULL."""
    __tablename__ = 'security_group_rules'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_security_group_rules0uuid'),
        Index('security_group_rules_group_idx', 'security_group_id'),
        Index('security_group_rules_remote_group_idx', 'remote_group_id'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    security_group_id = Column(Integer, ForeignKey('security_groups.id'),
                               nullable=False)
    project_id = Column(String(255), nullable=False)
    direction = Column(String(16), nullable=False)
    ethertype = Column(String(8), nullable=False)
    protocol = Column(String(40))
    port_range_min = Column(Integer)
    port_range_max = Column(Integer)
    remote_ip_prefix = Column(String(64))
    remote_group_id = Column(Integer, ForeignKey('security_groups.id'))
    description = Column(String(255), nullable=False, default='')


class InstanceSecurityGroup(Base):
    """An instance (by uuid) is in a group: its ports are."""
    __tablename__ = 'instance_security_groups'
    __table_args__ = (
        UniqueConstraint('instance_uuid', 'security_group_id',
                         name='uniq_instance_security_groups0instance0group'),
        Index('instance_security_groups_group_idx', 'security_group_id'),
    )
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), nullable=False)
    security_group_id = Column(Integer, ForeignKey('security_groups.id'),
                               nullable=False)
