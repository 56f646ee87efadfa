"""The ``dashboard_sessions`` table (a model of ``nova_lite.db.models``,
which imports it: use ``models.DashboardSession``)."""
from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint

from nova_lite.db.models import Base
from nova_lite.db.models import TimestampMixin


class DashboardSession(TimestampMixin, Base):
    """A signed-in session of the web dashboard
    (``nova_lite.dashboard.sessions``), shared by every dashboard process.

    ``session_hash`` is the SHA-256 (hex) of the session cookie; the
    user's Keystone token is kept only encrypted (``token_blob``: Fernet,
    with a key derived from the cookie, which is not stored), so a copy
    of the table opens no session and reveals no token. ``roles`` is a
    JSON list of role names, ``endpoints`` a JSON object of the catalog
    URLs the session calls (compute, image, volume). ``last_used`` and
    ``expires`` (the token's expiry) are naive UTC.
    """
    __tablename__ = 'dashboard_sessions'
    __table_args__ = (
        UniqueConstraint('session_hash',
                         name='uniq_dashboard_sessions0session_hash'),
        Index('dashboard_sessions_last_used_idx', 'last_used'),
    )
    id = Column(Integer, primary_key=True)
    session_hash = Column(String(64), nullable=False)
    token_blob = Column(Text, nullable=False)
    user_id = Column(String(255), nullable=False)
    user_name = Column(String(255))
    project_id = Column(String(255), nullable=False)
    project_name = Column(String(255))
    roles = Column(Text, nullable=False)
    endpoints = Column(Text, nullable=False)
    last_used = Column(DateTime, nullable=False)
    expires = Column(DateTime)
