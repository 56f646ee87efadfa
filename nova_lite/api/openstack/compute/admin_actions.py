"""Administrative server actions of ``POST /v2.1/servers/{id}/action``
(compute API reference, "Servers - run an administrative action",
microversion 2.1), dispatched by
``nova_lite.api.openstack.compute.server_actions``.

``os-resetState`` sets ``vm_state`` to ``active`` or ``error`` and clears
``task_state`` whatever they were (the operator's way out of a stuck
task), and records a ``resetState`` instance action
(``nova_lite.compute.api.API.reset_state``).
"""
from nova_lite.api import openstack


def reset_state(context, server_id, args):
    """202; 404 for unknown servers."""
    openstack.compute_api().reset_state(context, server_id, args['state'])
    return '', 202
