"""createConsoleEndpoint (CloudStack API reference, "Console Endpoint",
since 4.18): the console of a VM through the same proxy and tokens as
the compute API's noVNC consoles (doc/consoles.md).

The answer is ``consoleendpoint``: ``success``, ``url`` (the noVNC page
with the token) and ``websocket`` ``{host, port, path, token}`` for a
client that speaks RFB itself (it opens
``ws://<host>:<port><path>?token=<token>``). A VM that cannot give a
console now (not Running, console disabled, a driver without consoles)
is answered as CloudStack does: ``success`` false with ``details``. The
optional ``token`` (CloudStack's extra security token) is accepted and
not used: nova_lite's proxy has no extra validation.
"""
import urllib.parse

from nova_lite.api.cloudstack.commands import vms
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.compute import consoles
from nova_lite import exception
from nova_lite.policies import remote_consoles as console_policies

#: Errors answered as ``success: false`` with their message.
_UNAVAILABLE = (exception.ConsoleNotAvailable, exception.InstanceNotReady,
                exception.InstanceInvalidState,
                exception.ConsoleTypeUnavailable,
                exception.NotSupportedByDriver)


def websocket(url, token):
    """The ``websocket`` object of a noVNC console ``url``: the proxy's
    host and port (the URL's, 80/443 by default), path '/', ``token``."""
    parts = urllib.parse.urlsplit(url)
    port = parts.port or (443 if parts.scheme == 'https' else 80)
    return {'host': parts.hostname, 'port': str(port), 'path': '/',
            'token': token}


@command('createConsoleEndpoint', role=MEMBER,
         response_object='consoleendpoint', since='4.18.0', params=(
             P.Parameter('virtualmachineid', P.UUID, required=True,
                         description='ID of the VM'),
             P.Parameter('token', description='extra security token '
                         '(accepted, not used)')))
def create_console_endpoint(request):
    """Create a console endpoint to connect to a VM console."""
    instance = vms.get_instance(request, 'virtualmachineid')
    request.authorize(console_policies.REMOTE_CONSOLES,
                      {'project_id': instance.project_id,
                       'user_id': instance.user_id})
    try:
        console = consoles.create(request.context, instance, 'novnc')
    except _UNAVAILABLE as exc:
        return {'consoleendpoint': {'success': False,
                                    'details': exc.format_message()}}
    return {'consoleendpoint': {
        'success': True, 'url': console['url'],
        'websocket': websocket(console['url'], console['token'])}}
