"""Login sessions of the CloudStack API, kept in the database so that
every API process knows every session (``[api] workers``, several API
hosts behind a load balancer: doc/ha.md).

A session is found by the SHA-256 of its ``JSESSIONID`` and proven by
the SHA-256 of its ``sessionkey`` (compared in constant time): neither
secret is stored, so a copy of the table opens no session. It ends after
``idle_timeout`` seconds without a request, when the Keystone token of
its login expires, at ``logout``, or when ``max_sessions`` newer ones
push the least recently used out (CloudStack API reference, "Login and
session keys"). The last use is written at most every ``TOUCH_SECONDS``
(a session request costs one read, not one write): the idle timeout is
exact to that many seconds.

Identities cross this module as dicts: user_id, user_name, project_id,
project_name, domain_id, domain_name, roles (list of names), expires_at
(epoch seconds or None).
"""
import hmac
import json
import secrets

from nova_lite import context as nl_context
from nova_lite.db import cloudstack_sessions as session_db
from nova_lite.db import login_sessions

#: Seconds between two writes of a session's last use.
TOUCH_SECONDS = 10
_IDENTITY = ('user_id', 'user_name', 'project_id', 'project_name',
             'domain_id', 'domain_name')


#: SHA-256 (hex) of a session id or key.
digest = login_sessions.digest
_utc = login_sessions.utc
_epoch = login_sessions.epoch

def create(identity, max_sessions, idle_timeout, now):
    """Start a session for ``identity`` (dict, see the module docstring).

    :param now: epoch seconds
    :returns: ``(session_id, session_key)``, each 32 URL-safe characters
    """
    session_id = secrets.token_urlsafe(24)
    session_key = secrets.token_urlsafe(24)
    values = {name: identity.get(name) for name in _IDENTITY}
    values.update(session_hash=digest(session_id),
                  key_hash=digest(session_key),
                  roles=json.dumps(list(identity.get('roles') or ())),
                  last_used=_utc(now), expires=_utc(identity.get(
                      'expires_at')))
    session_db.session_create(nl_context.get_admin_context(), values,
                              _utc(now - idle_timeout), _utc(now),
                              max_sessions)
    return session_id, session_key


def get(session_id, session_key, idle_timeout, now):
    """The identity dict of a live session whose id and key match, or
    None; an idle or expired session found is deleted.

    :param now: epoch seconds
    """
    if not session_id or not session_key:
        return None
    ctxt = nl_context.get_admin_context()
    row = session_db.session_get(ctxt, digest(session_id))
    if row is None:
        return None
    expires = row['expires']
    if (now - _epoch(row['last_used']) > idle_timeout
            or (expires is not None and now >= _epoch(expires))):
        session_db.session_delete(ctxt, row['session_hash'])
        return None
    if not hmac.compare_digest(row['key_hash'], digest(session_key)):
        return None
    if now - _epoch(row['last_used']) >= TOUCH_SECONDS:
        session_db.session_touch(ctxt, row['id'], _utc(now))
    identity = {name: row[name] for name in _IDENTITY}
    identity.update(roles=json.loads(row['roles']),
                    expires_at=None if expires is None else _epoch(expires))
    return identity


def delete(session_id):
    """End a session (no error when unknown)."""
    if session_id:
        session_db.session_delete(nl_context.get_admin_context(),
                                  digest(session_id))


def count():
    """Number of stored sessions (idle ones not yet removed included)."""
    return session_db.session_count(nl_context.get_admin_context())
