"""Remote consoles of servers (compute API reference, "Server Remote
Consoles", "Server Consoles" and "Servers - run an action"):

* ``POST /v2.1/servers/{id}/remote-consoles`` (2.6+): 200
  ``{"remote_console": {"protocol", "type", "url"}}``;
* the actions ``os-getVNCConsole`` and ``os-getSerialConsole`` (2.1 to
  2.5): 200 ``{"console": {"type", "url"}}``;
* ``GET /v2.1/os-console-auth-tokens/{token}`` (admins): what a token
  connects to, ``{"console": {"instance_uuid", "host", "port",
  "internal_access_path"}}`` (2.99 adds ``tls_port``).

nova_lite has the noVNC (protocol ``vnc``, type ``novnc``) and the
serial console (``serial``/``serial``), both through
``nova-lite-novncproxy`` (doc/consoles.md). As the compute API answers
a deployment without the others: ``xvpvnc`` (removed from Nova) and a
type of another protocol are 400 "Invalid console type", ``spice`` is
400 "Unavailable console type" (no SPICE server is configured), ``rdp``
and ``mks`` (no driver for them) 501. A server without a host is 409,
one whose guest is not running 409, a disabled console 400.
"""
import flask

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.compute import consoles
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import remote_consoles as console_policies

bp = flask.Blueprint('remote_consoles', __name__, url_prefix='/v2.1')

#: protocol → the console types that go with it (compute API reference).
PROTOCOL_TYPES = {
    'vnc': ('novnc', 'xvpvnc'),
    'spice': ('spice-html5', 'spice-direct'),
    'rdp': ('rdp-html5',),
    'serial': ('serial',),
    'mks': ('webmks',),
}
#: Protocols no nova_lite driver has: the compute API's 501.
NOT_SUPPORTED = frozenset({'rdp', 'mks'})


def _check_type(protocol, console_type):
    """Refuse what nova_lite cannot give, as the compute API does.

    :raises: ConsoleTypeInvalid, ConsoleTypeUnavailable (400),
        ConsoleFeatureNotSupported (501)
    """
    if console_type not in PROTOCOL_TYPES[protocol]:
        raise exception.ConsoleTypeInvalid(console_type=console_type)
    if protocol in NOT_SUPPORTED:
        raise exception.ConsoleFeatureNotSupported()
    if protocol == 'spice':
        raise exception.ConsoleTypeUnavailable(console_type=console_type)
    if console_type not in consoles.CONSOLE_TYPES:
        raise exception.ConsoleTypeInvalid(console_type=console_type)


def _authorized_instance(context, server_id):
    """The server (404 first, as Nova), then the policy check."""
    instance = openstack.compute_api().get(context, server_id)
    policy.authorize(context, console_policies.REMOTE_CONSOLES,
                     {'project_id': instance.project_id,
                      'user_id': context.user_id})
    return instance


@bp.post('/servers/<server_id>/remote-consoles')
def create(server_id):
    """200: a console URL of the server (2.6+)."""
    context = openstack.context()
    args = openstack.body()['remote_console']
    instance = _authorized_instance(context, server_id)
    protocol, console_type = args['protocol'], args['type']
    _check_type(protocol, console_type)
    console = consoles.create(context, instance, console_type)
    return {'remote_console': {'protocol': protocol, 'type': console_type,
                               'url': console['url']}}, 200


def _action(protocol):
    def handler(context, server_id, args):
        instance = _authorized_instance(context, server_id)
        _check_type(protocol, args['type'])
        console = consoles.create(context, instance, args['type'])
        return {'console': {'type': args['type'],
                            'url': console['url']}}, 200
    handler.__name__ = '_get_%s_console' % protocol
    handler.__doc__ = '200: a %s console URL (2.1 to 2.5).' % protocol
    return handler


#: action name → (policy rule, handler), merged into
#: ``server_actions.ACTIONS`` (the handler checks the rule again on the
#: server's project, as ``create`` does).
ACTIONS = {
    'os-getVNCConsole': (console_policies.REMOTE_CONSOLES, _action('vnc')),
    'os-getSPICEConsole': (console_policies.REMOTE_CONSOLES,
                           _action('spice')),
    'os-getRDPConsole': (console_policies.REMOTE_CONSOLES, _action('rdp')),
    'os-getSerialConsole': (console_policies.REMOTE_CONSOLES,
                            _action('serial')),
}


@bp.get('/os-console-auth-tokens/<token>')
def show_token(token):
    """200: the connect info of an unexpired token (admins).

    Before 2.31 only RDP tokens could be shown (401 for the others,
    which are all nova_lite has); from 2.99 ``tls_port`` (None: the
    proxy connects in clear) and no query parameter is accepted.
    """
    context = openstack.context()
    policy.authorize(context, console_policies.CONSOLE_AUTH_TOKENS, {})
    if microversion.at_least('2.99') and flask.request.args:
        raise exception.ValidationError(
            'Additional properties are not allowed (%s were unexpected)'
            % ', '.join(sorted(flask.request.args)))
    row = consoles.show(context, token)
    if not microversion.at_least('2.31'):
        return openstack.fault_response(
            401, 'The requested console type details are not accessible')
    body = {'instance_uuid': row['instance_uuid'], 'host': row['host'],
            'port': row['target_port'],
            'internal_access_path': row['target_path']}
    if microversion.at_least('2.99'):
        body['tls_port'] = None
    return {'console': body}, 200
