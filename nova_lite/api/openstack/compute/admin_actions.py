"""Administrative server actions of ``POST /v2.1/servers/{id}/action``
(compute API reference, "Servers - run an administrative action",
microversion 2.1), dispatched by
``nova_lite.api.openstack.compute.server_actions``.

``os-resetState`` sets ``vm_state`` to ``active`` or ``error`` and clears
``task_state`` whatever they were (the operator's way out of a stuck
task), and records a ``resetState`` instance action.
"""
from oslo_log import log as logging

from nova_lite.api import openstack
from nova_lite.db import actions as action_db
from nova_lite.db import instances as instance_db

LOG = logging.getLogger(__name__)


def reset_state(context, server_id, args):
    """202; 404 for unknown servers."""
    instance = openstack.compute_api().get(context, server_id)
    instance_db.instance_update(context, server_id,
                                {'vm_state': args['state'],
                                 'task_state': None})
    action_db.action_start(context, server_id, 'resetState')
    LOG.info('Instance %s reset from %s/%s to %s', server_id,
             instance.vm_state, instance.task_state, args['state'])
    return '', 202
