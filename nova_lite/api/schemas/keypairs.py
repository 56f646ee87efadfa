"""Body of ``POST /v2.1/os-keypairs`` (compute API reference, "Create Or
Import Keypair", microversion 2.1): a ``name`` of 1-255 letters, digits,
spaces, '_' or '-' (not starting or ending with a space), and an
optional OpenSSH ``public_key`` to import."""
from nova_lite.compute import keypairs

#: Key pair names at 2.1 (later microversions allow more characters);
#: the rule is the compute layer's (``compute.keypairs.check_name``).
name = {'type': 'string', 'minLength': 1,
        'maxLength': keypairs.NAME_MAX_LENGTH,
        'pattern': keypairs.NAME_PATTERN}

create = {
    'type': 'object',
    'properties': {
        'keypair': {
            'type': 'object',
            'properties': {
                'name': name,
                'public_key': {'type': 'string', 'minLength': 1,
                               'maxLength': 16384},
            },
            'required': ['name'],
            'additionalProperties': False,
        },
    },
    'required': ['keypair'],
    'additionalProperties': False,
}
