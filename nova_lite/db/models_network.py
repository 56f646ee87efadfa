"""Networks, subnets, ports and their addresses, as the Networking API
(``nova_lite.api.network``, doc/network-api.md) and the servers' NICs
use them. Models of ``nova_lite.db.models`` (which imports this module
last): use ``models.Network`` etc.

- ``networks``: the deployment's flat network (``config_key`` = its
  ``[network] label``) and the networks projects create; soft-deleted.
  ``cidr``/``gateway`` are the flat network's (kept for it; a project
  network's addresses are its subnets');
- ``subnets``: IPv4 ranges of a network with their allocation pools,
  DNS servers and host routes (JSON lists); deleted for good;
- ``ports``: a NIC, with or without a server (``device_id``);
  ``auto_delete`` when nova_lite made it for a server (deleted with the
  server; a user's port is only unbound); ``tag`` its device tag as a
  server's NIC; deleted for good;
- ``fixed_ips``: one row per allocated address (IPAM): the unique
  (``network_id``, ``address``) makes two concurrent allocations of
  one address collide in the database, never on the wire.
  ``instance_uuid`` and ``mac`` repeat the port's server and MAC so the
  server's addresses load with the instance.
"""
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import false as sa_false
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import orm
from sqlalchemy import String
from sqlalchemy import true as sa_true
from sqlalchemy import UniqueConstraint
from sqlalchemy.types import JSON

from nova_lite.db.models import Base
from nova_lite.db.models import SoftDeleteMixin
from nova_lite.db.models import TimestampMixin


class Network(TimestampMixin, SoftDeleteMixin, Base):
    """A layer-2 network: the flat one (``config_key`` set, no project)
    or a project's."""
    __tablename__ = 'networks'
    __table_args__ = (
        UniqueConstraint('config_key', name='uniq_networks0config_key'),
        Index('networks_project_id_idx', 'project_id'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    label = Column(String(255), nullable=False)
    cidr = Column(String(64))
    gateway = Column(String(64))
    netmask = Column(String(64))
    broadcast = Column(String(64))
    bridge = Column(String(255))
    #: ``[network] label`` of the deployment's flat network; NULL for
    #: networks made through the API.
    config_key = Column(String(255))
    project_id = Column(String(255), nullable=False, default='')
    shared = Column(Boolean, nullable=False, default=False)
    admin_state_up = Column(Boolean, nullable=False, default=True)
    mtu = Column(Integer, nullable=False, default=1500)
    status = Column(String(16), nullable=False, default='ACTIVE')
    router_external = Column(Boolean, nullable=False, default=False,
                             server_default=sa_false())
    description = Column(String(255), nullable=False, default='')
    revision_number = Column(Integer, nullable=False, default=0)


class Subnet(TimestampMixin, Base):
    """An IPv4 range of a network."""
    __tablename__ = 'subnets'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_subnets0uuid'),
        Index('subnets_network_id_idx', 'network_id'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    network_id = Column(Integer, ForeignKey('networks.id'), nullable=False)
    project_id = Column(String(255), nullable=False, default='')
    name = Column(String(255), nullable=False, default='')
    ip_version = Column(Integer, nullable=False, default=4)
    cidr = Column(String(64), nullable=False)
    gateway_ip = Column(String(64))
    #: [{"start", "end"}]
    allocation_pools = Column(JSON, nullable=False)
    dns_nameservers = Column(JSON, nullable=False)
    #: [{"destination", "nexthop"}]
    host_routes = Column(JSON, nullable=False)
    enable_dhcp = Column(Boolean, nullable=False, default=True,
                         server_default=sa_true())
    description = Column(String(255), nullable=False, default='')
    revision_number = Column(Integer, nullable=False, default=0)


class Port(TimestampMixin, Base):
    """A NIC on a network; ``device_id`` is its server's uuid when it is
    a server's."""
    __tablename__ = 'ports'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_ports0uuid'),
        UniqueConstraint('mac_address', name='uniq_ports0mac_address'),
        Index('ports_network_id_idx', 'network_id'),
        Index('ports_device_id_idx', 'device_id'),
        Index('ports_project_id_idx', 'project_id'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    network_id = Column(Integer, ForeignKey('networks.id'), nullable=False)
    project_id = Column(String(255), nullable=False, default='')
    name = Column(String(255), nullable=False, default='')
    mac_address = Column(String(32), nullable=False)
    admin_state_up = Column(Boolean, nullable=False, default=True)
    device_id = Column(String(255), nullable=False, default='')
    device_owner = Column(String(255), nullable=False, default='')
    description = Column(String(255), nullable=False, default='')
    #: uuids of the port's security groups; NULL: its server's groups.
    security_groups = Column(JSON)
    auto_delete = Column(Boolean, nullable=False, default=False,
                         server_default=sa_false())
    revision_number = Column(Integer, nullable=False, default=0)
    #: The device tag of a server's NIC (compute API 2.32 and 2.49;
    #: Alembic 0024), NULL when untagged.
    tag = Column(String(60))


class FixedIP(TimestampMixin, Base):
    """One allocated address of a subnet, held by a port."""
    __tablename__ = 'fixed_ips'
    __table_args__ = (
        UniqueConstraint('network_id', 'address',
                         name='uniq_fixed_ips0network_id0address'),
        Index('fixed_ips_network_free_idx', 'network_id', 'instance_uuid'),
        Index('fixed_ips_instance_uuid_idx', 'instance_uuid'),
        Index('fixed_ips_port_id_idx', 'port_id'),
        Index('fixed_ips_subnet_id_idx', 'subnet_id'),
    )
    id = Column(Integer, primary_key=True)
    network_id = Column(Integer, ForeignKey('networks.id'), nullable=False)
    subnet_id = Column(Integer, ForeignKey('subnets.id'))
    address = Column(String(64), nullable=False)
    instance_uuid = Column(String(36))
    mac = Column(String(32))
    allocated_at = Column(DateTime)
    #: The uuid of the port holding the address.
    port_id = Column(String(36))
    #: Its network, loaded with it (the servers' addresses show the
    #: network's name without a query of their own).
    network = orm.relationship('Network', lazy='joined', viewonly=True)
