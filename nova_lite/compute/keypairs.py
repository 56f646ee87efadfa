"""SSH key pairs of users (os-keypairs): generate, import, list, show,
delete, and resolve the ``key_name`` of a server create.

Formats follow the compute API reference, "Keypairs (keypairs)", at
microversion 2.1: a generated pair is a 2048-bit RSA key whose private
key (PEM, "BEGIN RSA PRIVATE KEY") is returned once and never stored or
logged; public keys are in the OpenSSH one-line format
(``ssh-rsa AAAA... comment``); the fingerprint is the MD5 digest of the
key blob as colon-separated hex (``ssh-keygen -E md5 -l``), as Nova
shows it.

From microversion 2.2 a pair has a ``type``: ``ssh`` (above) or
``x509``: an X.509 certificate in PEM (imported, or generated
self-signed with a 2048-bit RSA key returned once), fingerprinted by
the SHA-1 digest of its DER encoding as colon-separated hex.
"""
import base64
import datetime
import binascii
import hashlib
import re

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives import serialization
from cryptography import x509
from cryptography.x509.oid import NameOID
from oslo_log import log as logging

from nova_lite.db import keypairs as keypair_db
from nova_lite.db import quotas as quota_db
from nova_lite import exception
from nova_lite import notifications
from nova_lite import quota

LOG = logging.getLogger(__name__)

RSA_BITS = 2048
GENERATED_COMMENT = 'Generated-by-nova_lite'

#: Key pair names at microversion 2.1: 1-255 letters, digits, spaces, '_'
#: or '-', not starting or ending with a space (the API schema uses it).
NAME_PATTERN = r'^(?! )[a-zA-Z0-9 _-]+(?<! )\Z'
#: From compute API microversion 2.92 names may also hold '@' and '.'.
NAME_PATTERN_2_92 = r'^(?! )[a-zA-Z0-9 _@.-]+(?<! )\Z'
NAME_MAX_LENGTH = 255


def check_name(name, pattern=NAME_PATTERN):
    """Refuse a key pair name outside ``pattern`` (``NAME_PATTERN``, or
    ``NAME_PATTERN_2_92``; every API that creates key pairs goes through
    it: os-keypairs, CloudStack).

    :raises: ValidationError (400) naming the attribute ``name``
    """
    if (not isinstance(name, str) or len(name) > NAME_MAX_LENGTH
            or re.match(pattern, name) is None):
        extra = ', "@", "."' if pattern == NAME_PATTERN_2_92 else ''
        raise exception.ValidationError(
            attribute='name', reason='a key pair name is 1-%d letters, '
            'digits, spaces, "_"%s or "-", not starting or ending with a '
            'space' % (NAME_MAX_LENGTH, extra))


def fingerprint(public_key):
    """MD5 fingerprint (``aa:bb:...``) of an OpenSSH public key line.

    :raises: Invalid (400) when the line has no base64 key blob
    """
    parts = public_key.split()
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (IndexError, binascii.Error, ValueError):
        raise exception.Invalid(reason='Keypair data is invalid: not an '
                                'OpenSSH public key') from None
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def check_public_key(public_key):
    """Accept only a public key OpenSSH (and ``cryptography``) can read:
    RSA, ECDSA or Ed25519.

    :raises: Invalid (400)
    """
    try:
        serialization.load_ssh_public_key(public_key.strip().encode())
    except (ValueError, UnsupportedAlgorithm, UnicodeEncodeError) as exc:
        raise exception.Invalid(reason='Keypair data is invalid: %s'
                                % str(exc)[:100]) from None


def generate():
    """A new RSA pair: (private key PEM, public key OpenSSH line)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode()
    return private_pem, '%s %s' % (public, GENERATED_COMMENT)


def x509_fingerprint(certificate):
    """SHA-1 fingerprint (``aa:bb:...``) of a PEM certificate.

    :raises: Invalid (400) when it is not a PEM X.509 certificate
    """
    try:
        cert = x509.load_pem_x509_certificate(certificate.strip().encode())
    except (ValueError, UnicodeEncodeError) as exc:
        raise exception.Invalid(reason='Keypair data is invalid: not an '
                                'X.509 certificate: %s' % str(exc)[:100]) \
            from None
    digest = cert.fingerprint(hashes.SHA1()).hex()
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def generate_x509(common_name):
    """A new RSA key and a self-signed certificate of it valid ten
    years: (private key PEM, certificate PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                            common_name[:64])])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject)
            .issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode()
    return private_pem, cert.public_bytes(
        serialization.Encoding.PEM).decode()


def _key_material(name, public_key, key_type):
    """(private key or None, public key, fingerprint) of a create."""
    private_key = None
    if key_type == 'x509':
        if public_key is None:
            private_key, public_key = generate_x509(name)
        return private_key, public_key, x509_fingerprint(public_key)
    if public_key is None:
        private_key, public_key = generate()
    else:
        check_public_key(public_key)
    return private_key, public_key, fingerprint(public_key)


def create(context, name, public_key=None, key_type='ssh', user_id=None,
           name_pattern=NAME_PATTERN):
    """Import ``public_key``, or generate a pair when it is None.

    :param key_type: ``ssh`` or ``x509`` (microversion 2.2)
    :param user_id: the owner (an admin's choice from 2.10), by default
        the caller
    :param name_pattern: the names allowed (``check_name``)
    :returns: (key pair dict, private key PEM or None)
    :raises: ValidationError (400) bad name, Invalid (400) bad public
        key, Conflict (409) name taken, QuotaExceeded (403) over
        ``key_pairs``
    """
    check_name(name, name_pattern)
    user_id = user_id or context.user_id
    quota.check(context, 'key_pairs', 1, user_id=user_id)
    event = 'keypair.create' if public_key is None else 'keypair.import'
    notifications.keypair(context, event + '.start',
                          {'name': name, 'user_id': user_id,
                           'public_key': public_key})
    private_key, public_key, digest = _key_material(name, public_key,
                                                    key_type)
    keypair = keypair_db.key_pair_create(context, {
        'name': name, 'user_id': user_id,
        'project_id': context.project_id, 'public_key': public_key,
        'fingerprint': digest, 'type': key_type})
    try:
        _recheck(context, user_id)
    except exception.QuotaExceeded:
        keypair_db.key_pair_destroy(context, user_id, name)
        raise
    LOG.info('Key pair %s of user %s %s', name, context.user_id,
             'generated' if private_key else 'imported')
    notifications.keypair(context, event + '.end', keypair)
    return keypair, private_key


def _recheck(context, user_id):
    """Refuse when a concurrent create took the last room (the owner's
    ``key_pairs`` limit in the caller's project)."""
    limit = quota.get_limits(context, user_id=user_id)['key_pairs']
    used = quota_db.key_pair_count(context, user_id)
    if limit != quota.UNLIMITED and used > limit:
        raise quota.exceeded('key_pairs', 1, used - 1, limit)


def _not_found(user_id, name):
    return exception.NotFound('Keypair %s not found for user %s'
                              % (name, user_id))


def get(context, name, user_id=None):
    """The pair ``name`` of ``user_id`` (default: the caller).

    :raises: NotFound (404), also for another user's pair
    """
    user_id = user_id or context.user_id
    found = keypair_db.key_pair_get_all(context, user_id, name)
    if not found:
        raise _not_found(user_id, name)
    return found[0]


def get_all(context, name=None, user_id=None):
    """The key pairs of ``user_id`` (default: the caller; dicts:
    ``name``, ``fingerprint``, ``public_key``, ...), by name; only the
    one called ``name`` if given."""
    return keypair_db.key_pair_get_all(context, user_id or context.user_id,
                                       name)


def delete(context, name, user_id=None):
    """Delete the pair ``name`` of ``user_id`` (default: the caller);
    keypair.delete.start/end.

    :raises: NotFound (404)
    """
    user_id = user_id or context.user_id
    keypair = {'name': name, 'user_id': user_id}
    notifications.keypair(context, 'keypair.delete.start', keypair)
    if not keypair_db.key_pair_destroy(context, user_id, name):
        raise _not_found(user_id, name)
    notifications.keypair(context, 'keypair.delete.end', keypair)


def public_key_for_server(context, key_name):
    """The public key of the user's pair ``key_name`` (server create).

    :raises: Invalid (400) when the user has no such pair
    """
    try:
        return get(context, key_name)['public_key']
    except exception.NotFound:
        raise exception.Invalid(reason='Invalid key_name provided.') \
            from None
