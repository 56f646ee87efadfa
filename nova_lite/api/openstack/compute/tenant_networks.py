"""``/v2.1/os-tenant-networks`` (compute API reference, "Project
Networks (os-tenant-networks) (DEPRECATED)", microversions 2.1-2.35,
404 from 2.36): a proxy over the networks of the Networking API
(``nova_lite.network.networks``) the caller sees, each shown as ``{"id",
"label", "cidr"}`` (the CIDR of its first subnet, or None).

``POST`` ``{"network": {"label", "cidr"}}`` makes a network of the
caller's project with that IPv4 subnet; ``DELETE`` removes one of the
caller's networks (409 while servers are on it). Networking API errors
answer in the compute API's fault format.
"""
import flask

from nova_lite.api import openstack
from nova_lite import exception
from nova_lite.network import errors
from nova_lite.network import networks as network_service
from nova_lite import policy
from nova_lite.policies import tenant_networks as tn_policies

bp = flask.Blueprint('os_tenant_networks', __name__,
                     url_prefix='/v2.1/os-tenant-networks')


def _context(action):
    context = openstack.context()
    policy.authorize(context, tn_policies.TENANT_NETWORKS % action)
    return context


def _views(context, uuids=None):
    subnets = {}
    for subnet in network_service.list_subnets(context):
        subnets.setdefault(subnet['network_id'], subnet['cidr'])
    return [{'id': n['uuid'], 'label': n['label'],
             'cidr': subnets.get(n['id'], n.get('cidr'))}
            for n in network_service.list_networks(context, uuids)]


def _not_found(network_id):
    return exception.NetworkNotFound(network_id=network_id[:64])


@bp.get('')
def index():
    """200 ``{"networks": [{"id", "label", "cidr"}]}``."""
    return {'networks': _views(_context('list'))}


@bp.get('/<network_id>')
def show(network_id):
    """200 ``{"network": {...}}``; 404 for networks the caller does not
    see."""
    found = _views(_context('show'), [network_id])
    if not found:
        raise _not_found(network_id)
    return {'network': found[0]}


@bp.post('')
def create():
    """200 ``{"network": {...}}``; 400 for a bad CIDR, 403 over quota."""
    context = _context('create')
    body = openstack.body()['network']
    try:
        network = network_service.create_network(context, context.project_id,
                                                  {'name': body['label']})
        try:
            network_service.create_subnet(context, network,
                                          context.project_id,
                                          {'cidr': body['cidr'],
                                           'ip_version': 4})
        except Exception:
            network_service.delete_network(context, network)
            raise
    except errors.OverQuota as exc:
        raise exception.QuotaExceeded(exc.format_message()) from None
    except errors.NetworkError as exc:
        if exc.code == 400:
            raise exception.ValidationError(
                attribute='cidr', reason=exc.format_message()) from None
        raise
    return {'network': _views(context, [network['uuid']])[0]}


@bp.delete('/<network_id>')
def delete(network_id):
    """202; 404 for unknown ids, 409 while servers are on it."""
    context = _context('delete')
    try:
        network = network_service.get_network(context, network_id)
    except errors.NetworkNotFound:
        raise _not_found(network_id) from None
    if network['project_id'] != context.project_id \
            and not network_service.is_admin(context):
        raise _not_found(network_id)
    try:
        network_service.delete_network(context, network)
    except errors.NetworkInUse as exc:
        raise exception.Conflict(reason=exc.format_message()) from None
    return '', 202
