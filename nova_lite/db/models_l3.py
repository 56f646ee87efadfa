"""Routers and floating IPs (Networking API "Routers", "Floating IPs";
Alembic 0023). Models of ``nova_lite.db.models`` (which imports this
module last): use ``models.Router``, ``models.FloatingIP``.

- ``routers``: a project's router; its external gateway is a network
  with ``router:external`` (``gw_network_id``) and a port on it
  (``device_owner`` ``network:router_gateway``); its interfaces are
  ports of subnets with ``device_owner`` ``network:router_interface``,
  both with ``device_id`` = the router's uuid;
- ``floatingips``: an address of an external network, held by a port of
  that network (``floating_port_id``, ``device_owner``
  ``network:floatingip``: the same conflict-safe IPAM as fixed IPs),
  associated with a fixed IP of a port (``fixed_port_id``,
  ``fixed_ip_address``) through ``router_id``. The unique
  (``floating_network_id``, ``fixed_port_id``, ``fixed_ip_address``)
  lets one fixed IP have one floating IP per external network, also
  under concurrent updates (NULLs, unassociated rows, never collide).
"""
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint

from nova_lite.db.models import Base
from nova_lite.db.models import TimestampMixin


class Router(TimestampMixin, Base):
    """A project's router (deleted for good)."""
    __tablename__ = 'routers'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_routers0uuid'),
        Index('routers_project_id_idx', 'project_id'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    project_id = Column(String(255), nullable=False, default='')
    name = Column(String(255), nullable=False, default='')
    description = Column(String(255), nullable=False, default='')
    admin_state_up = Column(Boolean, nullable=False, default=True)
    #: The external network of its gateway; NULL without one.
    gw_network_id = Column(Integer, ForeignKey('networks.id'))
    revision_number = Column(Integer, nullable=False, default=0)


class FloatingIP(TimestampMixin, Base):
    """An external address, mapped 1:1 to a fixed IP when associated."""
    __tablename__ = 'floatingips'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_floatingips0uuid'),
        UniqueConstraint('floating_network_id', 'fixed_port_id',
                         'fixed_ip_address',
                         name='uniq_floatingips0network0port0address'),
        Index('floatingips_project_id_idx', 'project_id'),
        Index('floatingips_fixed_port_id_idx', 'fixed_port_id'),
        Index('floatingips_router_id_idx', 'router_id'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    project_id = Column(String(255), nullable=False, default='')
    floating_network_id = Column(Integer, ForeignKey('networks.id'),
                                 nullable=False)
    #: The uuid of the port holding the address on the external network.
    floating_port_id = Column(String(36), nullable=False)
    floating_ip_address = Column(String(64), nullable=False)
    fixed_port_id = Column(String(36))
    fixed_ip_address = Column(String(64))
    #: The uuid of the router joining the fixed IP's subnet to the
    #: external network (set while associated).
    router_id = Column(String(36))
    description = Column(String(255), nullable=False, default='')
    revision_number = Column(Integer, nullable=False, default=0)
