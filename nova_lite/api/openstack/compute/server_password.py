"""``/v2.1/servers/{server_id}/os-server-password``: the encrypted admin
password a server's guest posted to the metadata service (compute API
reference, "Servers password (servers, os-server-password)").

GET answers ``{"password": "<text>"}`` ('' when the guest posted none);
DELETE forgets it (204), so the guest may post a new one. An unknown
server, or another project's, is a 404 (before the policy check, as
Nova); rules ``os_compute_api:os-server-password:show`` and ``:clear``.
The password is encrypted by the guest with the server's public key:
the cloud never sees the clear text.
"""
import flask

from nova_lite.api import openstack
from nova_lite.compute import guest_access
from nova_lite import policy
from nova_lite.policies import server_password as password_policies

bp = flask.Blueprint('server_password', __name__,
                     url_prefix='/v2.1/servers/<server_id>/'
                                'os-server-password')
SERVER_PASSWORD = password_policies.SERVER_PASSWORD


def _instance(server_id, action):
    context = openstack.context()
    instance = openstack.compute_api().get(context, server_id)
    policy.authorize(context, SERVER_PASSWORD % action,
                     {'project_id': instance.project_id,
                      'user_id': context.user_id})
    return context, instance


@bp.get('')
def show(server_id):
    """200 ``{"password": ...}``."""
    context, instance = _instance(server_id, 'show')
    return {'password': guest_access.get_password(context, instance.uuid)}


@bp.delete('')
def clear(server_id):
    """204: the password is forgotten."""
    context, instance = _instance(server_id, 'clear')
    guest_access.clear_password(context, instance.uuid)
    return '', 204
