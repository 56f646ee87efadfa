"""Login sessions of the CloudStack API.

``login`` answers a ``sessionkey`` and sets the ``JSESSIONID`` cookie, as
CloudStack's management server does (CloudStack API reference, "Login and
session keys"); later calls send the cookie and the ``sessionkey``
parameter (the parameter defends against cross-site request forgery: a
cookie alone is not enough). ``logout`` ends the session.

Sessions live in the database (``nova_lite.cloudstack.sessions``: only
digests of the id and key are stored), so any API process answers any
session: ``[api] workers`` and several API hosts behind a load balancer
need no sticky sessions. They are bounded by ``[cloudstack]
max_sessions`` (least recently used first out) and end after
``[cloudstack] session_timeout`` idle seconds or when the Keystone token
of the login expires, whichever comes first.
"""
import dataclasses
import threading
import time

from nova_lite.api.cloudstack import keystone
from nova_lite.cloudstack import sessions as session_api

COOKIE = 'JSESSIONID'
SESSIONKEY_COOKIE = 'sessionkey'


class SessionStore:
    """``JSESSIONID`` → (sessionkey, Identity, last use, end of life), in
    the database; ``clock()`` gives epoch seconds."""

    def __init__(self, max_sessions, idle_timeout, clock=time.time):
        self.max_sessions = max_sessions
        self.idle_timeout = idle_timeout
        self._clock = clock

    def __len__(self):
        return session_api.count()

    def create(self, identity):
        """Start a session for ``identity`` (a keystone.Identity);
        returns ``(session_id, sessionkey)``."""
        return session_api.create(dataclasses.asdict(identity),
                                  self.max_sessions, self.idle_timeout,
                                  self._clock())

    def get(self, session_id, session_key):
        """The Identity of a live session whose key matches, or None."""
        found = session_api.get(session_id, session_key, self.idle_timeout,
                                self._clock())
        return None if found is None else keystone.Identity(**found)

    def delete(self, session_id):
        """End a session (no error when unknown)."""
        session_api.delete(session_id)


_STORE = None
_STORE_LOCK = threading.Lock()


def get_store(conf):
    """The SessionStore sized from ``[cloudstack]`` (the sessions
    themselves are in the database; this holds the settings only)."""
    global _STORE
    with _STORE_LOCK:
        if _STORE is None:
            _STORE = SessionStore(conf.cloudstack.max_sessions,
                                  conf.cloudstack.session_timeout)
        return _STORE
