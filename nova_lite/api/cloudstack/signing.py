"""Request signatures of the CloudStack API.

CloudStack API reference, "Signing API requests": take every request
parameter except ``signature``, sort them by name, join them as
``name=value`` with ``&`` where each value is URL-encoded as Java's
``URLEncoder`` does with ``+`` turned into ``%20``, lower-case the whole
string, HMAC-SHA1 it with the secret key and base64 the digest. With
``signatureVersion=3`` the request must also carry ``expires`` (ISO 8601
with a zone, e.g. ``2026-11-22T03:00:00+0000``), which is part of the
signed string, and is refused once that time has passed.

Values are encoded from their decoded form, so the signature does not
depend on how the client escaped the query string. Java's encoder escapes
``~`` where Python's ``quote`` (used by some clients) does not; both
spellings are accepted.
"""
import base64
import datetime
import hashlib
import hmac
import re
from urllib import parse as urlparse

_EXPIRES_RE = re.compile(
    r'^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?'
    r'(Z|[+-]\d{2}:?\d{2})$')


def java_encode(value):
    """``value`` URL-encoded like ``URLEncoder.encode(v, "UTF-8")`` with
    ``+`` replaced by ``%20``."""
    return urlparse.quote(value, safe='*').replace('~', '%7E')


def canonical_string(values, encode=java_encode):
    """The string that is signed: ``name=encoded value`` pairs sorted by
    name (``signature`` left out), joined with ``&``, lower-cased.

    :param values: ``{name: value}`` with the names as the client sent
        them and decoded values
    """
    pairs = sorted((name, value) for name, value in values.items()
                   if name.lower() != 'signature')
    return '&'.join('%s=%s' % (name, encode(value))
                    for name, value in pairs).lower()


def sign(values, secret_key, encode=java_encode):
    """base64(HMAC-SHA1(secret_key, canonical_string(values)))."""
    digest = hmac.new(secret_key.encode('utf-8'),
                      canonical_string(values, encode).encode('utf-8'),
                      hashlib.sha1).digest()
    return base64.b64encode(digest).decode('ascii')


def _python_encode(value):
    return urlparse.quote(value, safe='*')


def verify(values, secret_key, signature):
    """True when ``signature`` signs ``values`` with ``secret_key``
    (compared in constant time; see the module docstring)."""
    if not signature:
        return False
    expected = sign(values, secret_key)
    if hmac.compare_digest(expected.encode(), signature.encode()):
        return True
    if any('~' in v for v in values.values()):
        alternative = sign(values, secret_key, _python_encode)
        return hmac.compare_digest(alternative.encode(), signature.encode())
    return False


def parse_expires(text):
    """The aware datetime of an ``expires`` value.

    Accepts ``YYYY-MM-DDThh:mm:ss`` with optional fraction and a zone
    ``Z``, ``+hhmm`` or ``+hh:mm``.

    :raises: ValueError for anything else (a time without zone included)
    """
    match = _EXPIRES_RE.match(text or '')
    if not match:
        raise ValueError('expires %r is not an ISO 8601 time with a zone'
                         % (text or '')[:40])
    year, month, day, hour, minute, second = (int(g) for g in
                                              match.groups()[:6])
    zone = match.group(7)
    offset = datetime.timedelta(0)
    if zone != 'Z':
        digits = zone[1:].replace(':', '')
        offset = datetime.timedelta(hours=int(digits[:2]),
                                    minutes=int(digits[2:]))
        if zone[0] == '-':
            offset = -offset
    return datetime.datetime(year, month, day, hour, minute, second,
                             tzinfo=datetime.timezone(offset))


def check_expires(text, now, max_ahead):
    """Why a signatureVersion=3 ``expires`` is refused, or None if valid.

    :param now: aware datetime (UTC)
    :param max_ahead: largest accepted distance into the future, seconds
    """
    try:
        expires = parse_expires(text)
    except (ValueError, OverflowError) as exc:
        return str(exc)
    if expires <= now:
        return 'the request expired at %s' % expires.isoformat()
    if (expires - now).total_seconds() > max_ahead:
        return 'expires is more than %d seconds ahead' % max_ahead
    return None
