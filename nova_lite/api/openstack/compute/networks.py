"""``/v2.1/os-networks``: list and show the networks the caller sees
(the flat network, its project's and the shared ones; compute API
reference, "Networks (os-networks) (DEPRECATED)", microversion 2.1), so
that clients without a network service (``openstack server create
--network NAME``) can resolve a network's ``label`` to its id.

The network of ``[network]`` is created on first use, here as in the
computes; ids are uuids (anything else is a 404).
"""
import flask

from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import networks as views
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite import policy
from nova_lite.policies import networks as network_policies

bp = flask.Blueprint('networks', __name__, url_prefix='/v2.1/os-networks')
NETWORKS = network_policies.NETWORKS


def _networks(action):
    context = openstack.context()
    policy.authorize(context, NETWORKS % action)
    network_api.get_default_network(context)
    is_admin = policy.can(context, network_policies.NETWORKS_ALL_FIELDS)
    return network_api.visible_networks(context), is_admin


@bp.get('')
def index():
    """200 ``{"networks": [...]}``."""
    networks, is_admin = _networks('list')
    return {'networks': [views.network(n, is_admin) for n in networks]}


@bp.get('/<network_id>')
def show(network_id):
    """200 ``{"network": {...}}``; 404 for unknown ids."""
    networks, is_admin = _networks('view')
    for network in networks:
        if network['uuid'] == network_id:
            return {'network': views.network(network, is_admin)}
    raise exception.NetworkNotFound(network_id=network_id[:64])
