"""Remote consoles, API side: ask the server's compute where its console
is, issue a token for it and build the URL users open
(doc/consoles.md).

A token is 32 URL-safe random characters (192 bits); the database keeps
its SHA-256 only (``nova_lite.db.console_auth_tokens``), bound to the
instance and the compute host it runs on, and it may be used to connect
for ``[consoleauth] token_ttl`` seconds. The proxy
(``nova_lite.console.proxy``) checks it with ``validate``.
"""
import datetime
import hashlib
import secrets
import urllib.parse

from oslo_config import cfg

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import states
from nova_lite.db import console_auth_tokens as token_db
from nova_lite.db.session import utcnow
from nova_lite import exception

CONF = cfg.CONF

#: console type → (compute RPC method, protocol of the compute API).
CONSOLE_TYPES = {
    'novnc': ('get_vnc_console', 'vnc'),
    'serial': ('get_serial_console', 'serial'),
}


def hash_token(token):
    """The hex SHA-256 of ``token`` (str), as the database keeps it."""
    return hashlib.sha256(token.encode('utf-8')).hexdigest()


def console_url(console_type, token):
    """The URL of a console: ``[vnc] novncproxy_base_url`` with
    ``?path=%3Ftoken%3D<token>`` (noVNC opens its WebSocket on that path,
    as Nova's URLs do), or ``[serial_console] base_url`` with
    ``?token=<token>``."""
    if console_type == 'novnc':
        base = CONF.vnc.novncproxy_base_url
        query = urllib.parse.urlencode({'path': '?token=%s' % token})
    else:
        base = CONF.serial_console.base_url
        query = urllib.parse.urlencode({'token': token})
    return '%s%s%s' % (base, '&' if '?' in base else '?', query)


def _check_ready(instance):
    """409 unless the server runs on a host (ACTIVE, or RESIZED on its
    new host).

    :raises: InstanceNotReady, InstanceInvalidState
    """
    if instance.host is None:
        raise exception.InstanceNotReady(instance_id=instance.uuid)
    if instance.vm_state not in (states.ACTIVE, states.RESIZED):
        raise exception.InstanceInvalidState(
            action='get console', instance_uuid=instance.uuid,
            attr='vm_state', state=instance.vm_state)


def create(context, instance, console_type, rpcapi=None):
    """Issue a console of ``console_type`` ('novnc' or 'serial') for
    ``instance`` (its record, already read under the caller's project).

    :returns: dict ``url``, ``token``, ``expires`` (naive UTC) and the
        connect info ``host``, ``port``, ``path``
    :raises: ConsoleTypeInvalid, InstanceNotReady, InstanceInvalidState
        (409), ConsoleTypeUnavailable (400), ConsoleNotAvailable (409),
        NotSupportedByDriver (501), InstanceNotFound
    """
    if console_type not in CONSOLE_TYPES:
        raise exception.ConsoleTypeInvalid(console_type=console_type)
    _check_ready(instance)
    rpcapi = rpcapi or compute_rpcapi.ComputeAPI()
    method = CONSOLE_TYPES[console_type][0]
    info = getattr(rpcapi, method)(context, instance.host, instance.uuid)
    token = secrets.token_urlsafe(24)
    expires = utcnow() + datetime.timedelta(
        seconds=CONF.consoleauth.token_ttl)
    token_db.token_create(context, {
        'token_hash': hash_token(token), 'console_type': console_type,
        'instance_uuid': instance.uuid, 'host': instance.host,
        'target_host': info.get('host'), 'target_port': info.get('port'),
        'target_path': info.get('path'), 'expires': expires})
    return dict(info, url=console_url(console_type, token), token=token,
                expires=expires)


def validate(context, token):
    """The token's row (dict) when it may connect now (unexpired, its
    instance live on the host it was issued for), else None."""
    if not token or len(token) > 255:
        return None
    return token_db.token_validate(context, hash_token(token))


def show(context, token):
    """What an unexpired ``token`` connects to, for
    os-console-auth-tokens (its instance need not be live).

    :raises: ConsoleTokenNotFound (404)
    """
    row = None
    if token and len(token) <= 255:
        row = token_db.token_get_for_instance(context, hash_token(token),
                                              None)
    if row is None:
        raise exception.ConsoleTokenNotFound(token=token)
    return row


def revoke(context, instance_uuid):
    """Revoke every token of the instance (a rebuild); returns how
    many."""
    return token_db.revoke_for_instance(context, instance_uuid)
