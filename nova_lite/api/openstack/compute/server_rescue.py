"""The ``rescue`` and ``unrescue`` server actions of ``POST
/v2.1/servers/{id}/action`` (compute API reference, "Rescue Server
(rescue Action)", "Unrescue Server (unrescue Action)"); bodies validated
by ``nova_lite.api.schemas.server_rescue``, the work done by
``nova_lite.compute.api_rescue`` (doc/lifecycle-rescue.md).

* rescue answers 200 with ``{"adminPass": "..."}``: the request's
  ``adminPass``, else a generated one; with ``[api]
  enable_instance_password`` false the body is ``{}`` (the password is
  generated all the same), as Nova answers. An unknown, invisible or
  inactive ``rescue_image_ref`` is a 400; a locked server (non-admins)
  or one not ACTIVE, STOPPED or ERROR, or with a task, a 409.
* unrescue answers 202 with no body; 409 unless the server is RESCUED
  with no task (or locked).
"""
import secrets

from nova_lite.api import openstack
from nova_lite.policies import server_rescue as policies

#: Bytes of randomness of a generated rescue password (as create's).
PASSWORD_BYTES = 9


def rescue(context, server_id, args):
    """200 ``{"adminPass": ...}`` or ``{}`` (see the module doc)."""
    password = args.get('adminPass') or secrets.token_urlsafe(
        PASSWORD_BYTES)
    openstack.compute_api().rescue(context, server_id, password,
                                   args.get('rescue_image_ref'))
    if openstack.conf().api.enable_instance_password:
        return {'adminPass': password}, 200
    return {}, 200


def unrescue(context, server_id, _args):
    """202 with no body."""
    openstack.compute_api().unrescue(context, server_id)
    return '', 202


#: action name → (policy rule, handler), merged into
#: ``server_actions.ACTIONS``.
ACTIONS = {
    'rescue': (policies.RESCUE, rescue),
    'unrescue': (policies.UNRESCUE, unrescue),
}
