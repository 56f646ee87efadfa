"""Server group bodies (compute API reference, "Server groups
(os-server-groups)", microversions 2.1, 2.13 and 2.64)."""
from nova_lite.api import microversion


def detail(group):
    """``{"id", "name", "policies": [policy], "members": [server ids],
    "metadata": {}}`` (metadata is always empty); from microversion 2.13
    also the owner's ``project_id`` and ``user_id``; from 2.64
    ``policy`` and ``rules`` instead of ``policies`` and ``metadata``."""
    body = {'id': group['uuid'], 'name': group['name'],
            'members': list(group['members'])}
    if microversion.at_least('2.64'):
        body.update(policy=group['policy'],
                    rules=dict(group.get('rules') or {}))
    else:
        body.update(policies=[group['policy']], metadata={})
    if microversion.at_least('2.13'):
        body.update(project_id=group['project_id'],
                    user_id=group['user_id'])
    return body
