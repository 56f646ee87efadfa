"""Body of ``POST /v2.1/os-keypairs`` (compute API reference, "Create Or
Import Keypair"): a ``name`` of 1-255 letters, digits, spaces, '_' or
'-' (not starting or ending with a space), and an optional OpenSSH
``public_key`` to import; from microversion 2.2 a ``type`` (``ssh``,
the default, or ``x509``), from 2.10 a ``user_id`` (admins create
pairs for other users).  From 2.92 ``public_key`` is required (no more
generated pairs) and names may also hold '@' and '.'."""
import copy

from nova_lite.api import schemas
from nova_lite.compute import keypairs

#: Key pair names at 2.1 (later microversions allow more characters);
#: the rule is the compute layer's (``compute.keypairs.check_name``).
name = {'type': 'string', 'minLength': 1,
        'maxLength': keypairs.NAME_MAX_LENGTH,
        'pattern': keypairs.NAME_PATTERN}

create_v21 = {
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

create_v22 = schemas.extend(create_v21, ('keypair',), type={
    'type': 'string', 'enum': ['ssh', 'x509']})

create_v210 = schemas.extend(create_v22, ('keypair',), user_id={
    'type': 'string', 'minLength': 1, 'maxLength': 255})



def _create_v292():
    schema = copy.deepcopy(create_v210)
    keypair = schema['properties']['keypair']
    keypair['properties']['name'] = dict(
        name, pattern=keypairs.NAME_PATTERN_2_92)
    keypair['required'] = ['name', 'public_key']
    return schema


create_v292 = _create_v292()

create = schemas.Versioned(('2.1', '2.1', create_v21),
                           ('2.2', '2.9', create_v22),
                           ('2.10', '2.91', create_v210),
                           ('2.92', None, create_v292))
