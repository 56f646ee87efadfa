"""``/v2.1/servers/{server_id}/ips`` (compute API reference, "Servers
IPs (servers, ips)"): a server's addresses by network name, as the
server view's ``addresses`` (fixed addresses, each followed by its
floating IPs) without the ``OS-EXT-IPS`` attributes.

- ``GET .../ips``: 200 ``{"addresses": {<network name>: [{"version",
  "addr"}]}}``;
- ``GET .../ips/{network_label}``: 200 ``{<network name>: [...]}``, 404
  when the server has no address on a network of that name.

An unknown server, or another project's, is a 404 (before the policy
check, as Nova); rules ``os_compute_api:ips:index`` and ``:show``.
"""
import flask

from nova_lite.api import openstack
from nova_lite.api.openstack.compute import servers
from nova_lite.api.openstack.compute.views import servers as views
from nova_lite import exception
from nova_lite.network import floating_ips as fip_api
from nova_lite import policy
from nova_lite.policies import ips as ips_policies

bp = flask.Blueprint('server_ips', __name__,
                     url_prefix='/v2.1/servers/<server_id>/ips')


def _addresses(server_id, action):
    context = openstack.context()
    instance = openstack.compute_api().get(context, server_id)
    policy.authorize(context, ips_policies.IPS % action,
                     {'project_id': instance.project_id,
                      'user_id': context.user_id})
    floating = fip_api.floating_of_instances(
        context, [instance.uuid] if instance.fixed_ips else [])
    return views.addresses(instance,
                           servers.network_labels(context, [instance]),
                           extended=False,
                           floating=floating.get(instance.uuid))


@bp.get('')
def index(server_id):
    """200 ``{"addresses": {...}}``."""
    return {'addresses': _addresses(server_id, 'index')}


@bp.get('/<network_label>')
def show(server_id, network_label):
    """200 ``{<network name>: [...]}``; 404 for a network the server has
    no address on."""
    addresses = _addresses(server_id, 'show')
    if network_label not in addresses:
        raise exception.NotFound(
            'Instance %s has no address on network %s' % (
                server_id, network_label[:255]))
    return {network_label: addresses[network_label]}
