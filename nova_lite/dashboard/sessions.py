"""Signed-in sessions of the dashboard, kept in the database
(``dashboard_sessions``) so that every dashboard process knows every
session.

The browser holds the session id (a random 32-byte value in a Secure,
HttpOnly, SameSite=Lax cookie). The table holds its SHA-256 and the
user's Keystone token encrypted with Fernet under a key derived from
the session id (HMAC-SHA256 of a fixed label), so neither a copy of the
table nor a log line can open a session or reveal a token. The CSRF
token of a session is derived the same way (never stored). A session
ends after ``idle_timeout`` seconds without a request, when its token
expires, at sign-out, or when ``max_sessions`` newer ones push it out.

Identities cross this module as ``Login`` objects (``keystone.Login``)
going in and ``Session`` objects coming out.
"""
import base64
import dataclasses
import hashlib
import hmac
import json
import secrets

from cryptography import fernet

from nova_lite import context as nl_context
from nova_lite.db import login_sessions
from nova_lite.db import models

#: Cookie holding the session id.
COOKIE = 'nova_lite_session'
#: Seconds between two writes of a session's last use.
TOUCH_SECONDS = 10

_TABLE = login_sessions.LoginSessions(models.DashboardSession)


@dataclasses.dataclass
class Session:
    """A live session: who signed in, where, and the means to call the
    APIs (``token``, ``endpoints``: service type → URL)."""
    session_id: str
    token: str
    user_id: str
    user_name: str
    project_id: str
    project_name: str
    roles: list
    endpoints: dict
    expires_at: float

    @property
    def is_admin(self):
        """True when the user has the admin role on the project."""
        return 'admin' in self.roles

    @property
    def can_write(self):
        """True when the project's resources may be changed (member or
        admin role; readers only look). The API decides in the end."""
        return bool({'admin', 'member'} & set(self.roles))

    @property
    def csrf_token(self):
        """The CSRF token of this session (derived, never stored)."""
        return derive(self.session_id, b'csrf').hex()


#: SHA-256 (hex) of a session id.
digest = login_sessions.digest
_utc = login_sessions.utc
_epoch = login_sessions.epoch


def derive(session_id, label):
    """32 bytes derived from ``session_id`` for ``label`` (HMAC-SHA256)."""
    return hmac.new(session_id.encode(), label, hashlib.sha256).digest()


def _cipher(session_id):
    return fernet.Fernet(base64.urlsafe_b64encode(
        derive(session_id, b'token-key')))


def create(login, idle_timeout, max_sessions, now):
    """Store a session for ``login`` (a ``keystone.Login``).

    :param now: epoch seconds
    :returns: the new ``Session`` (its ``session_id`` goes in the cookie)
    """
    session_id = secrets.token_urlsafe(32)
    values = {
        'session_hash': digest(session_id),
        'token_blob': _cipher(session_id).encrypt(
            login.token.encode()).decode(),
        'user_id': login.user_id, 'user_name': login.user_name,
        'project_id': login.project_id, 'project_name': login.project_name,
        'roles': json.dumps(list(login.roles)),
        'endpoints': json.dumps(login.endpoints),
        'last_used': _utc(now), 'expires': _utc(login.expires_at)}
    _TABLE.create(nl_context.get_admin_context(), values,
                  _utc(now - idle_timeout), _utc(now), max_sessions)
    return Session(session_id, login.token, login.user_id, login.user_name,
                   login.project_id, login.project_name, list(login.roles),
                   dict(login.endpoints), login.expires_at)


def get(session_id, idle_timeout, now):
    """The live ``Session`` of ``session_id``, or None; an idle or
    expired session found is deleted.

    :param now: epoch seconds
    """
    if not session_id:
        return None
    ctxt = nl_context.get_admin_context()
    row = _TABLE.get(ctxt, digest(session_id))
    if row is None:
        return None
    expires_at = _epoch(row['expires'])
    idle = now - _epoch(row['last_used'])
    if idle > idle_timeout or (expires_at is not None and expires_at <= now):
        _TABLE.delete(ctxt, row['session_hash'])
        return None
    try:
        token = _cipher(session_id).decrypt(row['token_blob'].encode())
    except fernet.InvalidToken:
        return None
    if idle > TOUCH_SECONDS:
        _TABLE.touch(ctxt, row['id'], _utc(now))
    return Session(session_id, token.decode(), row['user_id'],
                   row['user_name'], row['project_id'], row['project_name'],
                   json.loads(row['roles']), json.loads(row['endpoints']),
                   expires_at)


def end(session_id):
    """Delete the session of ``session_id``; True if there was one."""
    return _TABLE.delete(nl_context.get_admin_context(), digest(session_id))


def count():
    """Number of stored sessions (stale ones included)."""
    return _TABLE.count(nl_context.get_admin_context())
