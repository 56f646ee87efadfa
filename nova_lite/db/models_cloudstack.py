"""The ``cloudstack_sessions`` table (a model of ``nova_lite.db.models``,
which imports it: use ``models.CloudStackSession``)."""
from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint

from nova_lite.db.models import Base
from nova_lite.db.models import TimestampMixin


class CloudStackSession(TimestampMixin, Base):
    """A login session of the CloudStack API (``login``), shared by every
    API process (``nova_lite.cloudstack.sessions``).

    Only SHA-256 digests (hex) of the ``JSESSIONID`` cookie
    (``session_hash``) and of the ``sessionkey`` (``key_hash``) are
    stored. The caller's Keystone identity is kept as it was at login:
    user, project and domain ids and names, and ``roles`` (a JSON list of
    role names). ``last_used`` is the last request of the session (naive
    UTC, touched at most every ``TOUCH_SECONDS``); ``expires`` the expiry
    of the Keystone token of the login (naive UTC; NULL: none known).
    """
    __tablename__ = 'cloudstack_sessions'
    __table_args__ = (
        UniqueConstraint('session_hash',
                         name='uniq_cloudstack_sessions0session_hash'),
        Index('cloudstack_sessions_last_used_idx', 'last_used'),
    )
    id = Column(Integer, primary_key=True)
    session_hash = Column(String(64), nullable=False)
    key_hash = Column(String(64), nullable=False)
    user_id = Column(String(255), nullable=False)
    user_name = Column(String(255))
    project_id = Column(String(255), nullable=False)
    project_name = Column(String(255))
    domain_id = Column(String(255))
    domain_name = Column(String(255))
    roles = Column(Text, nullable=False)
    last_used = Column(DateTime, nullable=False)
    expires = Column(DateTime)
