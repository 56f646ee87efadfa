"""Server actions ``shelve``, ``shelveOffload`` and ``unshelve`` of
``POST /v2.1/servers/{id}/action`` (compute API reference, "Servers -
run an action"; doc/lifecycle-shelve.md): each answers 202 with no
body; 409 for a locked server (non-admins), a server in the wrong state
or with a task in progress, and an unshelve that names a zone or host
for a server that is not SHELVED_OFFLOADED (or a host outside the
zone); 400 for an unknown zone or host; 403 when the policy refuses
(``host`` needs ``os_compute_api:os-shelve:unshelve_to_host``).

The body's fields exist only at the microversions whose schema
(``api.schemas.shelve_actions``) takes them: ``availability_zone`` from
2.77 (``null`` from 2.91), ``host`` from 2.91."""
from nova_lite.api import openstack
from nova_lite.compute import api_shelve
from nova_lite import policy
from nova_lite.policies import shelve as policies


def _shelve(context, server_id, _args):
    openstack.compute_api().shelve(context, server_id)
    return '', 202


def _shelve_offload(context, server_id, _args):
    openstack.compute_api().shelve_offload(context, server_id)
    return '', 202


def _unshelve(context, server_id, args):
    host = args.get('host')
    if host is not None:
        policy.authorize(context, policies.UNSHELVE_TO_HOST)
    openstack.compute_api().unshelve(
        context, server_id,
        availability_zone=args.get('availability_zone', api_shelve.UNSET),
        host=host)
    return '', 202


#: action name → (policy rule, handler(context, server_id, args)),
#: merged into ``server_actions.ACTIONS``.
ACTIONS = {
    'shelve': (policies.SHELVE, _shelve),
    'shelveOffload': (policies.SHELVE_OFFLOAD, _shelve_offload),
    'unshelve': (policies.UNSHELVE, _unshelve),
}
