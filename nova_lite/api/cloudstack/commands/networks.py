"""Guest networks (CloudStack API reference, "Network", "Network
Offering") over the networks of the Networking API
(``nova_lite.network.networks``): the shared flat network and the
isolated networks of an account (its project).

- listNetworks: every network the caller sees;
- createNetwork: an isolated network of the caller's project with one
  IPv4 subnet (``gateway``/``netmask``, 10.1.1.1/255.255.255.0 by
  default as CloudStack's guest CIDR; ``startip``/``endip`` the range
  VMs get, by default every host address but the gateway);
- deleteNetwork (asynchronous in CloudStack; here its job is complete
  when it is returned): refused (536) while VMs or ports are on it;
- listNetworkOfferings: the one isolated offering.
"""
import ipaddress

from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.api.cloudstack.commands import catalog
from nova_lite.network import networks as network_service

DEFAULT_GATEWAY = '10.1.1.1'
DEFAULT_NETMASK = '255.255.255.0'


def _matches(keyword, text):
    return not keyword or keyword.lower() in (text or '').lower()


def _views(request, zone):
    ctx = request.context
    subnets = {}
    for subnet in network_service.list_subnets(ctx):
        subnets.setdefault(subnet['network_id'], subnet)
    return [views.network(
        n, subnets.get(n['id']), zone,
        request.identity.project_name
        if n['project_id'] == ctx.project_id else n['project_id'])
        for n in network_service.list_networks(ctx)]


@command('listNetworks', response_object='network', listing=True, params=(
    P.Parameter('id', P.UUID, 'the network ID'),
    P.Parameter('zoneid', P.UUID, 'networks of this zone'),
    P.Parameter('traffictype', description='Guest is the only one'),
    P.Parameter('type', description='Shared or Isolated'),
    P.Parameter('listall', P.BOOLEAN, 'ignored: every visible network '
                'is listed'),
))
def list_networks(request):
    """Lists the networks the caller may deploy into."""
    params = request.params
    zone = catalog.zone_names(request)[0]
    if params['zoneid']:
        zone = catalog.zone_name(request, params['zoneid'])
    nets = [n for n in _views(request, zone)
            if (not params['id'] or n['id'] == params['id'])
            and (params['traffictype'] or 'guest').lower() == 'guest'
            and (not params['type']
                 or n['type'].lower() == params['type'].lower())
            and _matches(params['keyword'], n['name'])]
    page, total = request_mod.paginate(request, nets)
    return request_mod.listing(page, 'network', total)


def _subnet_body(request):
    """The subnet of createNetwork's gateway, netmask, startip, endip.

    :raises: InvalidParameter (431)
    """
    params = request.params
    gateway = params['gateway'] or DEFAULT_GATEWAY
    netmask = params['netmask'] or DEFAULT_NETMASK
    try:
        net = ipaddress.ip_network('%s/%s' % (gateway, netmask),
                                   strict=False)
    except ValueError:
        raise errors.InvalidParameter(
            'Unable to execute API command createnetwork due to invalid '
            'value %s/%s for parameters gateway/netmask' % (
                gateway, netmask)) from None
    body = {'cidr': str(net), 'gateway_ip': gateway, 'ip_version': 4,
            'name': params['name']}
    if params['startip'] or params['endip']:
        hosts = list(net.hosts())
        body['allocation_pools'] = [{
            'start': params['startip'] or str(hosts[0]),
            'end': params['endip'] or str(hosts[-1])}]
    return body


@command('createNetwork', role=MEMBER, response_object='network', params=(
    P.Parameter('name', required=True, description='network name'),
    P.Parameter('displaytext', description='network description'),
    P.Parameter('networkofferingid', P.UUID, required=True,
                description='the network offering ID (listNetworkOfferings)'),
    P.Parameter('zoneid', P.UUID, required=True, description='the zone'),
    P.Parameter('gateway', description='the gateway (default 10.1.1.1)'),
    P.Parameter('netmask', description='the netmask (default '
                '255.255.255.0)'),
    P.Parameter('startip', description='first address VMs get'),
    P.Parameter('endip', description='last address VMs get'),
))
def create_network(request):
    """Creates an isolated guest network of the caller's account."""
    params, ctx = request.params, request.context
    if params['networkofferingid'] != views.ISOLATED_OFFERING_ID:
        raise errors.InvalidParameter(
            'Unable to execute API command createnetwork due to invalid '
            'value %s for parameter networkofferingid: no such network '
            'offering' % params['networkofferingid'])
    zone = catalog.zone_name(request, params['zoneid'])
    subnet_body = _subnet_body(request)
    network = network_service.create_network(ctx, ctx.project_id, {
        'name': params['name'], 'description': params['displaytext'] or ''})
    try:
        subnet = network_service.create_subnet(ctx, network, ctx.project_id,
                                               subnet_body)
    except Exception:
        network_service.delete_network(ctx, network)
        raise
    network = network_service.get_network(ctx, network['uuid'])
    return {'network': views.network(network, subnet, zone,
                                     request.identity.project_name)}


@command('deleteNetwork', is_async=True, role=MEMBER, params=(
    P.Parameter('id', P.UUID, required=True, description='network ID'),
))
def delete_network(request):
    """Deletes a network of the caller's account (no VM may be on it)."""
    ctx = request.context
    network = network_service.get_network(ctx, request.params['id'])
    if network['project_id'] != ctx.project_id and not ctx.is_admin:
        raise errors.InvalidParameter(
            'Unable to execute API command deletenetwork due to invalid '
            'value %s for parameter id: not a network of the account'
            % network['uuid'])
    network_service.delete_network(ctx, network)
    job = jobs.create(request, resource_type='Network',
                      result={'success': True})
    return {'jobid': job['uuid']}


@command('listNetworkOfferings', response_object='networkoffering',
         listing=True, params=(
             P.Parameter('id', P.UUID, 'the offering ID'),
             P.Parameter('guestiptype', description='Isolated is the only '
                         'one'),
         ))
def list_network_offerings(request):
    """Lists the network offerings (one: isolated guest networks)."""
    params = request.params
    offering = views.network_offering()
    offerings = [offering] if (
        (not params['id'] or params['id'] == offering['id'])
        and (params['guestiptype'] or 'isolated').lower() == 'isolated'
        and _matches(params['keyword'], offering['name'])) else []
    page, total = request_mod.paginate(request, offerings)
    return request_mod.listing(page, 'networkoffering', total)
