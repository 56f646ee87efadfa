"""SSH key pairs (CloudStack API reference, "SSH"): createSSHKeyPair,
registerSSHKeyPair, listSSHKeyPairs, deleteSSHKeyPair. They are the key
pairs of the compute API (``key_pairs`` table, one namespace per
Keystone user); the private key made by createSSHKeyPair is returned
once and never stored."""
import base64
import binascii
import hashlib

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives import serialization

from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.db import api as db_api
from nova_lite import exception

_NAME = P.Parameter('name', required=True, description='key pair name')


def fingerprint(public_key):
    """MD5 fingerprint ``aa:bb:...`` of an OpenSSH public key line.

    :raises: ValueError when it is not one
    """
    parts = public_key.strip().split()
    if len(parts) < 2:
        raise ValueError('not an OpenSSH public key')
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except binascii.Error:
        raise ValueError('not an OpenSSH public key') from None
    serialization.load_ssh_public_key(public_key.strip().encode())
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ':'.join(digest[i:i + 2] for i in range(0, 32, 2))


def generate():
    """``(private key PEM, OpenSSH public key)`` of a new RSA 2048 key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode()
    return private, public


def public_key(request, name, param='name'):
    """The public key of the caller's key pair ``name``.

    :raises: InvalidParameter (431) naming ``param`` when there is none
    """
    found = db_api.key_pair_get_all(request.context,
                                    request.context.user_id, name)
    if not found:
        raise errors.InvalidParameter(
            'Unable to execute API command %s due to invalid value %s for '
            'parameter %s: no such SSH key pair'
            % (request.command.name.lower(), name, param))
    return found[0]['public_key']


def _view(request, row, private_key=None):
    return {'name': row['name'], 'fingerprint': row['fingerprint'],
            'privatekey': private_key,
            'account': request.identity.project_name,
            'domainid': request.identity.domain_id}


def _create(request, key, fingerprint_value):
    ctx = request.context
    try:
        return db_api.key_pair_create(ctx, {
            'name': request.params['name'], 'user_id': ctx.user_id,
            'project_id': ctx.project_id, 'public_key': key,
            'fingerprint': fingerprint_value, 'type': 'ssh'})
    except exception.Conflict:
        raise errors.InvalidParameter(
            'A key pair with name %s already exists'
            % request.params['name']) from None


@command('createSSHKeyPair', role=MEMBER, response_object='keypair',
         params=(_NAME,))
def create_ssh_key_pair(request):
    """Creates an SSH key pair and returns its private key once."""
    private, public = generate()
    row = _create(request, public, fingerprint(public))
    return {'keypair': _view(request, row, private)}


@command('registerSSHKeyPair', role=MEMBER, response_object='keypair',
         params=(_NAME, P.Parameter('publickey', required=True,
                                    length=16384,
                                    description='OpenSSH public key')))
def register_ssh_key_pair(request):
    """Registers an existing public key as an SSH key pair."""
    key = request.params['publickey'].strip()
    try:
        value = fingerprint(key)
    except (ValueError, TypeError):
        raise errors.InvalidParameter(
            'Unable to execute API command registersshkeypair due to '
            'invalid value for parameter publickey: not an OpenSSH public '
            'key') from None
    return {'keypair': _view(request, _create(request, key, value))}


@command('listSSHKeyPairs', response_object='sshkeypair', listing=True,
         params=(P.Parameter('name', description='key pair name'),
                 P.Parameter('fingerprint', description='fingerprint')))
def list_ssh_key_pairs(request):
    """Lists the caller's SSH key pairs."""
    params = request.params
    keyword = (params['keyword'] or '').lower()
    rows = [r for r in db_api.key_pair_get_all(
        request.context, request.context.user_id, params['name'])
        if (not params['fingerprint']
            or r['fingerprint'] == params['fingerprint'])
        and keyword in r['name'].lower()]
    page, total = request_mod.paginate(request, rows)
    return request_mod.listing([_view(request, r) for r in page],
                               'sshkeypair', total)


@command('deleteSSHKeyPair', role=MEMBER, params=(_NAME,))
def delete_ssh_key_pair(request):
    """Deletes an SSH key pair of the caller."""
    if not db_api.key_pair_destroy(request.context, request.context.user_id,
                                   request.params['name']):
        raise errors.InvalidParameter(
            'Unable to execute API command deletesshkeypair due to '
            'invalid value %s for parameter name: no such SSH key pair'
            % request.params['name'])
    return {'success': True}
