"""``GET /v2.1/servers/{id}/diagnostics``: the usage counters of a
server's guest (compute API reference, "Servers diagnostics (servers,
diagnostics)"; admins only by default, rule
``os_compute_api:os-server-diagnostics``).

The API asks the server's compute over RPC, which asks its virt driver.
Before microversion 2.48 the body is the driver's own flat dict (libvirt:
``cpu0_time``, ``memory``, ``memory-rss``, ``vda_read``, ``vnet0_rx``,
...); from 2.48 the standardized form (``state``, ``driver``,
``hypervisor``, ``uptime``, ``cpu_details``, ``nic_details``,
``disk_details``, ``memory_details``, ...).  An unknown server is a 404
(before the policy check, as Nova), a server that is not ACTIVE on a
host, or whose guest is not running, a 409, a driver without
diagnostics a 501.  No instance action is recorded (Nova records none).
"""
import flask

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import server_diagnostics as views
from nova_lite import policy
from nova_lite.policies import server_diagnostics as diagnostics_policies

bp = flask.Blueprint('server_diagnostics', __name__,
                     url_prefix='/v2.1/servers/<server_id>/diagnostics')


@bp.get('')
def index(server_id):
    """200: the guest's diagnostics (standardized from 2.48)."""
    context = openstack.context()
    compute_api = openstack.compute_api()
    instance = compute_api.get(context, server_id)
    policy.authorize(context, diagnostics_policies.SERVER_DIAGNOSTICS,
                     {'project_id': instance.project_id,
                      'user_id': context.user_id})
    if microversion.at_least('2.48'):
        return views.standard(compute_api.get_diagnostics(context,
                                                          instance))
    return compute_api.get_diagnostics(context, instance, standard=False)
