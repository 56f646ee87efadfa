"""SSH key pairs (CloudStack API reference, "SSH"): createSSHKeyPair,
registerSSHKeyPair, listSSHKeyPairs, deleteSSHKeyPair. They are the key
pairs of the compute API (``key_pairs`` table, one namespace per
Keystone user), made by the compute API's own code
(``nova_lite.compute.keypairs.create``): the same key formats, the same
``key_pairs`` quota (over it: errorcode 532, as deployVirtualMachine
over ``instances``), and the private key made by createSSHKeyPair is
returned once and never stored."""
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.compute import keypairs as compute_keypairs
from nova_lite import exception

_NAME = P.Parameter('name', required=True, description='key pair name')


def public_key(request, name, param='name'):
    """The public key of the caller's key pair ``name``.

    :raises: InvalidParameter (431) naming ``param`` when there is none
    """
    found = compute_keypairs.get_all(request.context, name)
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


def _create(request, public_key=None):
    """``(key pair row, private key PEM or None)`` of a new key pair of
    the caller named ``name``: ``public_key`` imported, or a new RSA pair
    generated when it is None (``compute.keypairs.create``, which checks
    the ``key_pairs`` quota before storing anything).

    :raises: InvalidParameter (431) bad or taken name, bad public key;
        QuotaExceeded, answered 532 by the endpoint (``errors``)
    """
    name = request.params['name']
    try:
        return compute_keypairs.create(request.context, name, public_key)
    except exception.ValidationError as exc:
        raise errors.InvalidParameter(
            'Unable to execute API command %s due to invalid value %s for '
            'parameter name: %s' % (request.command.name.lower(), name,
                                    exc.kwargs.get('reason'))) from None
    except exception.Conflict:
        raise errors.InvalidParameter(
            'A key pair with name %s already exists' % name) from None
    except exception.Invalid:
        raise errors.InvalidParameter(
            'Unable to execute API command %s due to invalid value for '
            'parameter publickey: not an OpenSSH public key'
            % request.command.name.lower()) from None


@command('createSSHKeyPair', role=MEMBER, response_object='keypair',
         params=(_NAME,))
def create_ssh_key_pair(request):
    """Creates an SSH key pair and returns its private key once."""
    row, private = _create(request)
    return {'keypair': _view(request, row, private)}


@command('registerSSHKeyPair', role=MEMBER, response_object='keypair',
         params=(_NAME, P.Parameter('publickey', required=True,
                                    length=16384,
                                    description='OpenSSH public key')))
def register_ssh_key_pair(request):
    """Registers an existing public key as an SSH key pair."""
    row, _ = _create(request, request.params['publickey'].strip())
    return {'keypair': _view(request, row)}


@command('listSSHKeyPairs', response_object='sshkeypair', listing=True,
         params=(P.Parameter('name', description='key pair name'),
                 P.Parameter('fingerprint', description='fingerprint')))
def list_ssh_key_pairs(request):
    """Lists the caller's SSH key pairs."""
    params = request.params
    keyword = (params['keyword'] or '').lower()
    rows = [r for r in compute_keypairs.get_all(request.context,
                                                params['name'])
        if (not params['fingerprint']
            or r['fingerprint'] == params['fingerprint'])
        and keyword in r['name'].lower()]
    page, total = request_mod.paginate(request, rows)
    return request_mod.listing([_view(request, r) for r in page],
                               'sshkeypair', total)


@command('deleteSSHKeyPair', role=MEMBER, params=(_NAME,))
def delete_ssh_key_pair(request):
    """Deletes an SSH key pair of the caller."""
    try:
        compute_keypairs.delete(request.context, request.params['name'])
    except exception.NotFound:
        raise errors.InvalidParameter(
            'Unable to execute API command deletesshkeypair due to '
            'invalid value %s for parameter name: no such SSH key pair'
            % request.params['name']) from None
    return {'success': True}
