"""``/v2.1/os-hypervisors``: list, detail, show, uptime, statistics,
search by host name and list servers of hypervisors (compute API
reference, "Hypervisors (os-hypervisors)", microversion 2.1; admins only).

Hypervisors are the compute nodes whose compute service exists; ids are
integers (a non-integer id is a 404).  ``search`` and ``servers`` match
the pattern as a substring of ``hypervisor_hostname`` and answer 404 when
nothing matches.
"""
import flask

from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import hypervisors as views
from nova_lite.api.openstack.compute.views import services as service_views
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import instances as instance_db
from nova_lite.db import services as service_db
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import hypervisors as hypervisor_policies

bp = flask.Blueprint('hypervisors', __name__,
                     url_prefix='/v2.1/os-hypervisors')
HYPERVISORS = hypervisor_policies.HYPERVISORS


def _authorized_context(action):
    context = openstack.context()
    policy.authorize(context, HYPERVISORS % action)
    return context


def _nodes(context, pattern=None):
    """``[(node, compute service)]`` by node id, optionally only the
    nodes whose hypervisor_hostname contains ``pattern``."""
    services = {s['host']: s for s in service_db.service_get_all(
        context, binary=service_views.COMPUTE)}
    return [(node, services[node['host']])
            for node in node_db.compute_node_get_all(context)
            if node['host'] in services
            and (pattern is None or pattern in node['hypervisor_hostname'])]


def _instances(context, node):
    """Live instances placed on ``node``."""
    return [inst for inst in instance_db.instances_on_host(context,
                                                           node['host'])
            if inst.node in (None, node['hypervisor_hostname'])]


def _down_time():
    return openstack.conf().service_down_time


@bp.get('')
def index():
    """200 ``{"hypervisors": [{"id", "hypervisor_hostname", "state",
    "status"}]}``."""
    context = _authorized_context('list')
    return {'hypervisors': [views.summary(n, s, _down_time())
                            for n, s in _nodes(context)]}


@bp.get('/detail')
def detail():
    """200 ``{"hypervisors": [<hypervisor detail>]}``."""
    context = _authorized_context('list-detail')
    return {'hypervisors': [
        views.detail(n, s, _down_time(), _instances(context, n))
        for n, s in _nodes(context)]}


@bp.get('/statistics')
def statistics():
    """200 ``{"hypervisor_statistics": {count, vcpus, ...}}``."""
    context = _authorized_context('statistics')
    return {'hypervisor_statistics': views.statistics([
        (n, views.workload(_instances(context, n)))
        for n, _s in _nodes(context)])}


@bp.get('/<hypervisor_id>')
def show(hypervisor_id):
    """200 ``{"hypervisor": <hypervisor detail>}``; 404 for unknown or
    non-integer ids."""
    context = _authorized_context('show')
    node, service = _node(context, hypervisor_id)
    return {'hypervisor': views.detail(
        node, service, _down_time(), _instances(context, node))}


@bp.get('/<hypervisor_id>/uptime')
def uptime(hypervisor_id):
    """200 ``{"hypervisor": <summary> + "uptime"}``, ``uptime`` being the
    host's ``uptime`` line, asked of its compute service over RPC; 404 for
    unknown ids, 400 when that compute service is down, 501 when its
    driver cannot tell."""
    context = _authorized_context('uptime')
    node, service = _node(context, hypervisor_id)
    if not service_views.is_up(service, _down_time()):
        raise exception.ComputeServiceUnavailable(host=node['host'])
    line = openstack.compute_api().get_host_uptime(context, node['host'])
    return {'hypervisor': views.with_uptime(node, service, _down_time(),
                                            line)}


def _node(context, hypervisor_id):
    """``(node, compute service)`` of ``hypervisor_id``.

    :raises: ComputeHostNotFound (404) for unknown or non-integer ids
    """
    for node, service in _nodes(context):
        if str(node['id']) == hypervisor_id:
            return node, service
    raise exception.ComputeHostNotFound(
        'Hypervisor with ID %s could not be found.' % hypervisor_id[:64])


def _matching(context, pattern):
    nodes = _nodes(context, pattern)
    if not nodes:
        raise exception.ComputeHostNotFound(
            'No hypervisor matching %s could be found.' % pattern[:64])
    return nodes


@bp.get('/<hostname_pattern>/search')
def search(hostname_pattern):
    """200 ``{"hypervisors": [<summary>]}``; 404 when none matches."""
    context = _authorized_context('search')
    return {'hypervisors': [views.summary(n, s, _down_time())
                            for n, s in _matching(context,
                                                  hostname_pattern)]}


@bp.get('/<hostname_pattern>/servers')
def servers(hostname_pattern):
    """200 ``{"hypervisors": [<summary> + "servers"]}``; 404 when none
    matches."""
    context = _authorized_context('servers')
    return {'hypervisors': [
        views.with_servers(n, s, _down_time(), _instances(context, n))
        for n, s in _matching(context, hostname_pattern)]}
