"""Server group bodies (compute API reference, "Server groups
(os-server-groups)", microversions 2.1 and 2.13)."""
from nova_lite.api import microversion


def detail(group):
    """``{"id", "name", "policies": [policy], "members": [server ids],
    "metadata": {}}`` (metadata is always empty); from microversion 2.13
    also the owner's ``project_id`` and ``user_id``."""
    body = {'id': group['uuid'], 'name': group['name'],
            'policies': [group['policy']],
            'members': list(group['members']), 'metadata': {}}
    if microversion.at_least('2.13'):
        body.update(project_id=group['project_id'],
                    user_id=group['user_id'])
    return body
