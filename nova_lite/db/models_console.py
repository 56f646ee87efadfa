"""The ``console_auth_tokens`` table (a model of ``nova_lite.db.models``,
which imports it: use ``models.ConsoleAuthToken``)."""
from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint

from nova_lite.db.models import Base
from nova_lite.db.models import TimestampMixin


class ConsoleAuthToken(TimestampMixin, Base):
    """A console token issued by the compute API (doc/consoles.md).

    Only the SHA-256 of the token is stored (``token_hash``, hex). The
    token is bound to the instance and to the compute ``host`` it was on
    when issued; the proxy connects to ``target_path`` (a Unix socket)
    when set, else to ``target_host``:``target_port`` (TCP).
    ``console_type`` is 'novnc' or 'serial'. ``expires`` is naive UTC.
    """
    __tablename__ = 'console_auth_tokens'
    __table_args__ = (
        UniqueConstraint('token_hash',
                         name='uniq_console_auth_tokens0token_hash'),
        Index('console_auth_tokens_instance_uuid_idx', 'instance_uuid'),
        Index('console_auth_tokens_expires_idx', 'expires'),
    )
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False)
    console_type = Column(String(255), nullable=False)
    instance_uuid = Column(String(36), nullable=False)
    host = Column(String(255), nullable=False)
    target_host = Column(String(255))
    target_port = Column(Integer)
    target_path = Column(String(255))
    expires = Column(DateTime, nullable=False)
