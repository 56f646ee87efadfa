"""Public IP addresses and static NAT (CloudStack API reference,
"Address", "NAT") over the floating IPs of the Networking API
(``nova_lite.network.floating_ips``, doc/network-api.md):

- associateIpAddress (asynchronous; its job is complete when it is
  returned): a floating IP of the account from the external network
  (the only one, or ``networkid`` when it is external);
- listPublicIpAddresses: the account's, with the VM and guest address
  of their static NAT;
- enableStaticNat ``ipaddressid``, ``virtualmachineid``
  (``vmguestip``): the 1:1 NAT to the VM's NIC; when no router joins the
  NIC's network to the external one, the account gets one (CloudStack
  gives every isolated network its virtual router), named
  ``vr-<network name>``;
- disableStaticNat, disassociateIpAddress (asynchronous).

Unknown ids are a 431, addresses in use a 536 (``errors.from_exception``).
"""
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.api.cloudstack.commands import catalog
from nova_lite.network import errors as network_errors
from nova_lite.network import floating_ips as fip_api
from nova_lite.network import networks as network_service
from nova_lite.network import ports as port_service
from nova_lite.network import routers as router_api


def _view(request, fip, servers):
    """A ``listPublicIpAddresses`` address of a floating IP dict."""
    zone = catalog.zone_names(request)[0]
    server = servers.get(fip['fixed_port_id'])
    return {
        'id': fip['uuid'], 'ipaddress': fip['floating_ip_address'],
        'allocated': views.cs_time(fip['created_at']),
        'zoneid': views.zone_id(zone), 'zonename': zone,
        'issourcenat': False, 'isstaticnat': server is not None,
        'issystem': False, 'forvirtualnetwork': True,
        'account': request.identity.project_name,
        'networkid': fip['floating_network_uuid'],
        'virtualmachineid': server, 'vmipaddress': fip['fixed_ip_address']
        if server else None,
        'state': 'Allocated',
    }


def _views(request, fips):
    servers = fip_api.instance_ids(request.context, fips)
    return [_view(request, f, servers) for f in fips]


def _own(request, fip_id, param):
    try:
        fip = fip_api.get_floatingip(request.context, fip_id)
    except network_errors.FloatingIPNotFound:
        raise errors.InvalidParameter(
            'Unable to execute API command due to invalid value %s for '
            'parameter %s: no such public IP address of the account'
            % (fip_id, param)) from None
    return fip


def _external_network(request, network_id):
    if network_id:
        network = network_service.get_network(request.context, network_id)
        if network['router_external']:
            return network
    pools = fip_api.pools(request.context)
    if not pools:
        raise errors.InvalidParameter('Unable to execute API command '
                                      'associateipaddress: the zone has no '
                                      'public network')
    return pools[0]


@command('associateIpAddress', is_async=True, role=MEMBER, params=(
    P.Parameter('zoneid', P.UUID, description='the zone'),
    P.Parameter('networkid', P.UUID, description='the public network (or '
                'a guest network: the zone\'s public network is used)'),
))
def associate_ip_address(request):
    """Acquires a public IP address for the account."""
    ctx = request.context
    if request.params['zoneid']:
        catalog.zone_name(request, request.params['zoneid'])
    network = _external_network(request, request.params['networkid'])
    fip = fip_api.create_floatingip(ctx, ctx.project_id, {
        'floating_network_id': network['uuid']})
    job = jobs.create(request, resource_type='IpAddress', result={
        'ipaddress': _views(request, [fip])[0]})
    return {'id': fip['uuid'], 'jobid': job['uuid']}


@command('listPublicIpAddresses', response_object='publicipaddress',
         listing=True, params=(
             P.Parameter('id', P.UUID, 'the address ID'),
             P.Parameter('ipaddress', description='the address'),
             P.Parameter('isstaticnat', P.BOOLEAN, 'only those with (or '
                         'without) static NAT'),
         ))
def list_public_ip_addresses(request):
    """Lists the account's public IP addresses."""
    params, ctx = request.params, request.context
    fips = [f for f in fip_api.list_floatingips(ctx)
            if f['project_id'] == ctx.project_id]
    found = [v for v in _views(request, fips)
             if (not params['id'] or v['id'] == params['id'])
             and (not params['ipaddress']
                  or v['ipaddress'] == params['ipaddress'])
             and (params['isstaticnat'] is None
                  or v['isstaticnat'] == params['isstaticnat'])]
    page, total = request_mod.paginate(request, found)
    return request_mod.listing(page, 'publicipaddress', total)


def _route(request, fip, port_id):
    """A router of the account from the port's subnet to the floating
    IP's network (``vr-<network name>``)."""
    ctx = request.context
    port = port_service.get_ports(ctx, port_ids=[port_id])[0]
    router = router_api.create_router(ctx, ctx.project_id, {
        'name': 'vr-%s' % port['network']['label'],
        'external_gateway_info': {'network_id':
                                  fip['floating_network_uuid']}})
    router_api.add_interface(ctx, router, {
        'subnet_id': port['fixed_ips'][0]['subnet_id']})


@command('enableStaticNat', role=MEMBER, params=(
    P.Parameter('ipaddressid', P.UUID, required=True,
                description='the public IP address'),
    P.Parameter('virtualmachineid', P.UUID, required=True,
                description='the VM'),
    P.Parameter('vmguestip', description='the VM\'s guest address (its '
                'first one by default)'),
    P.Parameter('networkid', P.UUID, description='ignored: the NIC of '
                'vmguestip is used'),
))
def enable_static_nat(request):
    """Enables static NAT of a public IP address to a VM."""
    params, ctx = request.params, request.context
    fip = _own(request, params['ipaddressid'], 'ipaddressid')
    request.compute_api.get(ctx, params['virtualmachineid'])
    port_id, fixed = fip_api.server_port(ctx, params['virtualmachineid'],
                                         params['vmguestip'])
    if port_id is None:
        raise errors.InvalidParameter(
            'Unable to execute API command enablestaticnat: the VM has no '
            'guest address %s' % (params['vmguestip'] or ''))
    body = {'port_id': port_id, 'fixed_ip_address': fixed}
    try:
        fip_api.update_floatingip(ctx, fip, body)
    except network_errors.ExternalGatewayForFloatingIPNotFound:
        _route(request, fip, port_id)
        fip_api.update_floatingip(ctx, fip, body)
    return {'success': True}


@command('disableStaticNat', is_async=True, role=MEMBER, params=(
    P.Parameter('ipaddressid', P.UUID, required=True,
                description='the public IP address'),
))
def disable_static_nat(request):
    """Disables the static NAT of a public IP address."""
    fip = _own(request, request.params['ipaddressid'], 'ipaddressid')
    if not fip['fixed_port_id']:
        raise errors.InvalidParameter(
            'Unable to execute API command disablestaticnat: static NAT is '
            'not enabled for %s' % fip['floating_ip_address'])
    fip_api.update_floatingip(request.context, fip, {'port_id': None})
    job = jobs.create(request, resource_type='IpAddress',
                      result={'success': True})
    return {'jobid': job['uuid']}


@command('disassociateIpAddress', is_async=True, role=MEMBER, params=(
    P.Parameter('id', P.UUID, required=True,
                description='the public IP address'),
))
def disassociate_ip_address(request):
    """Releases a public IP address of the account (its NAT goes)."""
    fip = _own(request, request.params['id'], 'id')
    fip_api.delete_floatingip(request.context, fip)
    job = jobs.create(request, resource_type='IpAddress',
                      result={'success': True})
    return {'jobid': job['uuid']}
