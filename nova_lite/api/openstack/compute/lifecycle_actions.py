"""Server actions ``pause``, ``unpause``, ``suspend``, ``resume``,
``restore`` and ``forceDelete`` of ``POST /v2.1/servers/{id}/action``
(compute API reference, "Servers - run an action", microversion 2.1):
each answers 202 with no body; 409 for a locked server (non-admins),
a server in the wrong state or with a task in progress; ``restore``
403 when the quota has no room for the server again. States and rules:
doc/lifecycle.md."""
import copy

from nova_lite.api import openstack
from nova_lite.compute import states
from nova_lite.policies import server_lifecycle as policies


def _call(method):
    def handler(context, server_id, _args):
        getattr(openstack.compute_api(), method)(context, server_id)
        return '', 202
    handler.__name__ = '_' + method
    handler.__doc__ = '202: ``compute.api.API.%s`` of the server.' % method
    return handler


#: action name → (policy rule, handler(context, server_id, args)),
#: merged into ``server_actions.ACTIONS``.
ACTIONS = {
    'pause': (policies.PAUSE, _call('pause')),
    'unpause': (policies.UNPAUSE, _call('unpause')),
    'suspend': (policies.SUSPEND, _call('suspend')),
    'resume': (policies.RESUME, _call('resume')),
    'restore': (policies.RESTORE, _call('restore')),
    'forceDelete': (policies.FORCE_DELETE, _call('force_delete')),
}


def list_scope(context, filters):
    """(context, filters) of a server list with SOFT_DELETED servers
    placed as in Nova: ``deleted=true`` (the context reads only deleted
    rows) lists the deleted and the soft-deleted servers; other lists
    leave soft-deleted servers out, unless ``status`` asks for
    SOFT_DELETED (nova_lite lists them then; Nova needs deleted=true
    too, an admin-only filter, so their owners could not list them).
    """
    if getattr(context, 'read_deleted', 'no') == 'only':
        context = copy.copy(context)
        context.read_deleted = 'yes'
        return context, dict(filters, soft_deleted='with_deleted')
    if states.SOFT_DELETED in (filters.get('vm_state') or ()):
        return context, filters
    return context, dict(filters, soft_deleted=False)
