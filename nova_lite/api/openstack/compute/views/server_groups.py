"""Server group bodies (compute API reference, "Server groups
(os-server-groups)", microversion 2.1)."""


def detail(group):
    """``{"id", "name", "policies": [policy], "members": [server ids],
    "metadata": {}}`` (metadata is always empty at 2.1)."""
    return {'id': group['uuid'], 'name': group['name'],
            'policies': [group['policy']],
            'members': list(group['members']), 'metadata': {}}
