"""Login sessions of the CloudStack API.

``login`` answers a ``sessionkey`` and sets the ``JSESSIONID`` cookie, as
CloudStack's management server does (CloudStack API reference, "Login and
session keys"); later calls send the cookie and the ``sessionkey``
parameter (the parameter defends against cross-site request forgery: a
cookie alone is not enough). ``logout`` ends the session.

Sessions live in the memory of the API process, bounded by
``[cloudstack] max_sessions`` (least recently used first out) and ending
after ``[cloudstack] session_timeout`` idle seconds or when the Keystone
token of the login expires, whichever comes first.
"""
import collections
import hmac
import secrets
import threading
import time

COOKIE = 'JSESSIONID'
SESSIONKEY_COOKIE = 'sessionkey'


class SessionStore:
    """``JSESSIONID`` → (sessionkey, Identity, last use, end of life)."""

    def __init__(self, max_sessions, idle_timeout, clock=time.time):
        self.max_sessions = max_sessions
        self.idle_timeout = idle_timeout
        self._clock = clock
        self._sessions = collections.OrderedDict()
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._sessions)

    def create(self, identity):
        """Start a session; returns ``(session_id, sessionkey)``."""
        session_id = secrets.token_urlsafe(24)
        session_key = secrets.token_urlsafe(24)
        now = self._clock()
        ends = identity.expires_at or float('inf')
        with self._lock:
            self._sessions[session_id] = [session_key, identity, now, ends]
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        return session_id, session_key

    def get(self, session_id, session_key):
        """The Identity of a live session whose key matches, or None."""
        if not session_id or not session_key:
            return None
        now = self._clock()
        with self._lock:
            entry = self._sessions.get(session_id)
            if entry is None:
                return None
            key, identity, last_used, ends = entry
            if now - last_used > self.idle_timeout or now >= ends:
                del self._sessions[session_id]
                return None
            if not hmac.compare_digest(key.encode(), session_key.encode()):
                return None
            entry[2] = now
            self._sessions.move_to_end(session_id)
            return identity

    def delete(self, session_id):
        """End a session (no error when unknown)."""
        with self._lock:
            self._sessions.pop(session_id or '', None)


_STORE = None
_STORE_LOCK = threading.Lock()


def get_store(conf):
    """The process's SessionStore (sized from ``[cloudstack]``)."""
    global _STORE
    with _STORE_LOCK:
        if _STORE is None:
            _STORE = SessionStore(conf.cloudstack.max_sessions,
                                  conf.cloudstack.session_timeout)
        return _STORE
