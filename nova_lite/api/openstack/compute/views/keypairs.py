"""Key pair bodies (compute API reference, "Keypairs (keypairs)"):
``type`` from microversion 2.2."""
from nova_lite.api import microversion
from nova_lite.api.openstack.compute.views import timestamps


def summary(keypair):
    """``{"name", "public_key", "fingerprint"}`` (an item of the list),
    and ``type`` from 2.2."""
    body = {'name': keypair['name'], 'public_key': keypair['public_key'],
            'fingerprint': keypair['fingerprint']}
    if microversion.at_least('2.2'):
        body['type'] = keypair['type']
    return body


def created(keypair, private_key=None):
    """Create/import response: the summary, ``user_id`` and, for a
    generated pair only, ``private_key``."""
    body = summary(keypair)
    body['user_id'] = keypair['user_id']
    if private_key is not None:
        body['private_key'] = private_key
    return body


def detail(keypair):
    """Show Keypair Details: the record with its id and timestamps
    (only live key pairs can be shown: ``deleted`` is false)."""
    body = summary(keypair)
    body.update({
        'user_id': keypair['user_id'], 'deleted': False,
        'created_at': timestamps.legacy_isotime(keypair['created_at']),
        'updated_at': timestamps.legacy_isotime(keypair['updated_at']),
        'deleted_at': timestamps.legacy_isotime(keypair['deleted_at']),
        'id': keypair['id'],
    })
    return body
