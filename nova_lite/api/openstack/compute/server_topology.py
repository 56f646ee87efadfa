"""``GET /v2.1/servers/{server_id}/topology``: the NUMA topology of a
server (compute API reference, "Servers Topology (servers, topology)",
from microversion 2.78; a 404 before: ``versions_history.ROUTES``).

nova_lite's drivers give guests no NUMA topology (no NUMA cells, CPU
pinning nor huge pages: the libvirt domain has none), so every server
answers what the compute API answers for a server without one:
``{"nodes": [], "pagesize_kb": null}``.  A server the caller may not see
is a 404.
"""
import flask

from nova_lite.api import openstack
from nova_lite import policy
from nova_lite.policies import servers as server_policies

bp = flask.Blueprint('server_topology', __name__,
                     url_prefix='/v2.1/servers/<server_id>/topology')


@bp.get('')
def index(server_id):
    """200 ``{"nodes": [], "pagesize_kb": null}``; 404 for unknown
    servers."""
    context = openstack.context()
    instance = openstack.compute_api().get(context, server_id)
    policy.authorize(context, server_policies.TOPOLOGY % 'index',
                     {'project_id': instance.project_id,
                      'user_id': context.user_id})
    # No guest has NUMA cells (see the module docstring): the host-side
    # details the host:index rule guards (host_node, cpu_pinning) never
    # exist either.
    return {'nodes': [], 'pagesize_kb': None}
