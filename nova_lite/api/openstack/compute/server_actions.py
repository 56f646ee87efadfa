"""``POST /v2.1/servers/{id}/action``: reboot, os-stop, os-start, lock,
unlock, os-getConsoleOutput and os-resetState (compute API reference,
"Servers - run an action", microversion 2.1); rebuild, createImage and
createBackup in ``server_image_actions``; rescue and unrescue in
``server_rescue``.

The body names exactly one action; it is validated by
``nova_lite.api.schemas.server_actions`` before the handler runs.  The
asynchronous actions answer 202 with no body; a server in the wrong
state is a 409.
"""
import flask

from nova_lite.api import openstack
from nova_lite.api.openstack.compute import admin_actions
from nova_lite.api.openstack.compute import server_image_actions
from nova_lite.api.openstack.compute import server_rescue
from nova_lite.api.openstack.compute import server_resize
from nova_lite.api.openstack.compute import lifecycle_actions
from nova_lite.api.openstack.compute import migrate_actions
from nova_lite.api.openstack.compute import shelve_actions
from nova_lite.api.openstack.compute import remote_consoles
from nova_lite.api.openstack.compute import floating_ips
from nova_lite.api.openstack.compute import multinic
from nova_lite.api.openstack.compute import security_groups
from nova_lite import policy
from nova_lite.policies import admin_actions as admin_policies
from nova_lite.policies import servers as server_policies

bp = flask.Blueprint('server_actions', __name__, url_prefix='/v2.1/servers')
SERVERS = server_policies.SERVERS


def _reboot(context, server_id, args):
    openstack.compute_api().reboot(context, server_id, args['type'].upper())
    return '', 202


def _stop(context, server_id, _args):
    openstack.compute_api().stop(context, server_id)
    return '', 202


def _start(context, server_id, _args):
    openstack.compute_api().start(context, server_id)
    return '', 202


def _lock(context, server_id, args):
    # The reason of microversion 2.73 (the schema refuses it before).
    reason = (args or {}).get('locked_reason')
    openstack.compute_api().lock(context, server_id, True, reason)
    return '', 202


def _unlock(context, server_id, _args):
    openstack.compute_api().lock(context, server_id, False)
    return '', 202


def _console_output(context, server_id, args):
    """200 ``{"output": "..."}``: the last ``length`` lines, or all of
    them when ``length`` is absent, null or -1."""
    length = args.get('length')
    if length is not None:
        length = openstack.parse_int(length, 'length', minimum=-1)
    if length == -1:
        length = None
    output = openstack.compute_api().get_console_output(context, server_id,
                                                        length)
    return {'output': output or ''}, 200


#: action name → (policy rule, handler(context, server_id, args)).
ACTIONS = {
    'reboot': (SERVERS % 'reboot', _reboot),
    'os-stop': (SERVERS % 'stop', _stop),
    'os-start': (SERVERS % 'start', _start),
    'lock': (server_policies.LOCK, _lock),
    'unlock': (server_policies.UNLOCK, _unlock),
    'os-getConsoleOutput': (server_policies.CONSOLE_OUTPUT,
                            _console_output),
    'os-resetState': (admin_policies.RESET_STATE,
                      admin_actions.reset_state),
    **server_image_actions.ACTIONS,
    'resize': (SERVERS % 'resize', server_resize.resize),
    'confirmResize': (SERVERS % 'confirm_resize',
                      server_resize.confirm_resize),
    'revertResize': (SERVERS % 'revert_resize', server_resize.revert_resize),
}
# pause, unpause, suspend, resume, restore, forceDelete (doc/lifecycle.md)
ACTIONS.update(lifecycle_actions.ACTIONS)
# rescue, unrescue (doc/lifecycle-rescue.md)
ACTIONS.update(server_rescue.ACTIONS)
# shelve, shelveOffload, unshelve (doc/lifecycle-shelve.md)
ACTIONS.update(shelve_actions.ACTIONS)
# os-getVNCConsole, os-getSerialConsole, ... until 2.5 (doc/consoles.md)
ACTIONS.update(remote_consoles.ACTIONS)
# addSecurityGroup, removeSecurityGroup (doc/network-api.md)
ACTIONS.update(security_groups.ACTIONS)
# migrate (doc/migrations-servers.md)
ACTIONS.update(migrate_actions.ACTIONS)
# addFloatingIp, removeFloatingIp until 2.43 (doc/network-api.md)
ACTIONS.update(floating_ips.ACTIONS)
# addFixedIp, removeFixedIp until 2.43 (doc/interfaces.md)
ACTIONS.update(multinic.ACTIONS)


@bp.post('/<server_id>/action')
def action(server_id):
    """Dispatch the one action of the body to its handler."""
    context = openstack.context()
    ((name, args),) = openstack.body().items()
    rule, handler = ACTIONS[name]
    policy.authorize(context, rule)
    return handler(context, server_id, args or {})
