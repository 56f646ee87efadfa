"""Body of ``POST /v2.1/os-keypairs`` (compute API reference, "Create Or
Import Keypair", microversion 2.1): a ``name`` of 1-255 letters, digits,
spaces, '_' or '-' (not starting or ending with a space), and an
optional OpenSSH ``public_key`` to import."""

#: Key pair names at 2.1 (later microversions allow more characters).
name = {'type': 'string', 'minLength': 1, 'maxLength': 255,
        'pattern': r'^(?! )[a-zA-Z0-9 _-]+(?<! )\Z'}

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
