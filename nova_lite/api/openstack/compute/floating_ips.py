"""The compute API's floating IP proxies over the Networking API's
floating IPs (compute API reference, "Floating IPs (os-floating-ips)
(DEPRECATED)", "Floating IP pools (os-floating-ip-pools) (DEPRECATED)";
microversions 2.1-2.35, 404 from 2.36), and the ``addFloatingIp`` /
``removeFloatingIp`` server actions (until 2.43, 404 from 2.44). Same
data and rules as ``nova_lite.network.floating_ips``, in Nova's shapes:

- ``GET /os-floating-ip-pools``: ``{"floating_ip_pools": [{"name"}]}``,
  the external networks;
- ``GET/POST /os-floating-ips``, ``GET/DELETE /os-floating-ips/{id}``:
  ``{"floating_ip": {"id", "ip", "pool", "fixed_ip", "instance_id"}}``;
  create 200 (``pool`` the external network's name; the only one when
  omitted), 404 for an unknown pool or a full one, 403 over quota;
  delete 202;
- ``addFloatingIp`` ``{"address", "fixed_address"?}`` (202): the
  server's NIC holding ``fixed_address`` (its first IPv4 address by
  default); 400 when it cannot be associated (no router from the
  server's subnet to the pool's network, no such fixed address);
  ``removeFloatingIp`` ``{"address"}`` (202): 409 when the address is
  not associated with the server.
"""
import flask

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite import exception
from nova_lite.network import errors
from nova_lite.network import floating_ips as fip_api
from nova_lite import policy
from nova_lite.policies import floating_ips as fip_policies

bp = flask.Blueprint('os_floating_ips', __name__, url_prefix='/v2.1')
FLOATING_IPS = fip_policies.FLOATING_IPS
#: The last microversion with addFloatingIp/removeFloatingIp.
LAST_ACTION_VERSION = '2.43'


def _context(rule):
    context = openstack.context()
    policy.authorize(context, rule)
    return context


def _views(context, fips):
    servers = fip_api.instance_ids(context, fips)
    return [{'id': f['uuid'], 'ip': f['floating_ip_address'],
             'pool': f['floating_network_label'],
             'fixed_ip': f['fixed_ip_address'],
             'instance_id': servers.get(f['fixed_port_id'])}
            for f in fips]


def _with_labels(context, fips):
    labels = {n['uuid']: n['label'] for n in fip_api.pools(context)}
    for fip in fips:
        fip['floating_network_label'] = labels.get(
            fip['floating_network_uuid'], fip['floating_network_uuid'])
    return fips


def _get(context, fip_id):
    try:
        return fip_api.get_floatingip(context, fip_id)
    except errors.FloatingIPNotFound:
        raise exception.NotFound('Floating IP not found for ID %s'
                                 % fip_id[:64]) from None


@bp.get('/os-floating-ip-pools')
def pools():
    """200 ``{"floating_ip_pools": [{"name"}]}``."""
    context = _context(fip_policies.POOLS)
    return {'floating_ip_pools': [{'name': n['label']}
                                  for n in fip_api.pools(context)]}


@bp.get('/os-floating-ips')
def index():
    """200 ``{"floating_ips": [...]}``: the project's."""
    context = _context(FLOATING_IPS % 'list')
    fips = [f for f in fip_api.list_floatingips(context)
            if f['project_id'] == context.project_id]
    return {'floating_ips': _views(context, _with_labels(context, fips))}


@bp.get('/os-floating-ips/<fip_id>')
def show(fip_id):
    """200 ``{"floating_ip": {...}}``; 404 for unknown ids."""
    context = _context(FLOATING_IPS % 'show')
    fip = _with_labels(context, [_get(context, fip_id)])
    return {'floating_ip': _views(context, fip)[0]}


def _pool(context, name):
    if name is None:
        found = fip_api.pools(context)
        if len(found) != 1:
            raise exception.NotFound('Floating IP pool not found.')
        return found[0]
    try:
        return fip_api.pool_network(context, name)
    except errors.NetworkNotFound:
        raise exception.NotFound('Floating IP pool not found.') from None


@bp.post('/os-floating-ips')
def create():
    """200 ``{"floating_ip": {...}}``; 404 unknown or full pool, 403
    over quota."""
    context = _context(FLOATING_IPS % 'create')
    network = _pool(context, (openstack.body() or {}).get('pool'))
    try:
        fip = fip_api.create_floatingip(context, context.project_id, {
            'floating_network_id': network['uuid']})
    except errors.OverQuota:
        raise exception.Forbidden('Maximum number of floating IPs '
                                  'exceeded') from None
    except errors.IpAddressGenerationFailure:
        raise exception.NotFound('No more floating IPs in pool %s.'
                                 % network['label']) from None
    return {'floating_ip': _views(context, _with_labels(context,
                                                        [fip]))[0]}


@bp.delete('/os-floating-ips/<fip_id>')
def delete(fip_id):
    """202; 404 for unknown ids."""
    context = _context(FLOATING_IPS % 'delete')
    fip_api.delete_floatingip(context, _get(context, fip_id))
    return '', 202


# ----------------------------------------------------------------- actions

def _action_version():
    if microversion.at_least('2.44'):
        raise exception.NotFound('The resource could not be found.')


def _by_address(context, address):
    try:
        return fip_api.get_by_address(context, address)
    except errors.FloatingIPNotFound:
        raise exception.NotFound('floating IP not found') from None


def add_floating_ip(context, server_id, args):
    """``addFloatingIp``: 202; 404 unknown address, 400 no NIC, no such
    fixed address or no router to the floating IP's network."""
    _action_version()
    openstack.compute_api().get(context, server_id)
    fip = _by_address(context, args['address'])
    port_id, fixed = fip_api.server_port(context, server_id,
                                         args.get('fixed_address'))
    if port_id is None:
        raise exception.Invalid(reason='Specified fixed address not '
                                'assigned to instance' if args.get(
                                    'fixed_address') else 'No nw_info '
                                'cache associated with instance')
    try:
        fip_api.update_floatingip(context, fip, {
            'port_id': port_id, 'fixed_ip_address': fixed})
    except errors.NetworkError as exc:
        raise exception.Invalid(reason='Unable to associate floating IP '
                                '%s to fixed IP %s for instance %s. Error: '
                                '%s' % (fip['floating_ip_address'], fixed,
                                        server_id, exc.format_message())
                                ) from None
    return '', 202


def remove_floating_ip(context, server_id, args):
    """``removeFloatingIp``: 202; 404 unknown address, 409 not the
    server's."""
    _action_version()
    openstack.compute_api().get(context, server_id)
    fip = _by_address(context, args['address'])
    servers = fip_api.instance_ids(context, [fip])
    if servers.get(fip['fixed_port_id']) != server_id:
        raise exception.Conflict('Floating IP %s is not associated with '
                                 'instance %s.' % (args['address'],
                                                   server_id))
    fip_api.update_floatingip(context, fip, {'port_id': None})
    return '', 202


ACTIONS = {
    'addFloatingIp': (FLOATING_IPS % 'add', add_floating_ip),
    'removeFloatingIp': (FLOATING_IPS % 'remove', remove_floating_ip),
}
