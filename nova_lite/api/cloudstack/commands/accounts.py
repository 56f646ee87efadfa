"""Sessions and API keys (CloudStack API reference, "Authentication",
"User"): login, logout, registerUserKeys. Accounts are Keystone projects
and users are Keystone users; nova_lite stores no password."""
from oslo_log import log as logging

from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import keystone
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import ANONYMOUS
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import READER
from nova_lite.api.cloudstack import sessions
from nova_lite.cloudstack import api_keys

LOG = logging.getLogger(__name__)

#: CloudStack account types: 0 user, 1 root admin.
ACCOUNT_USER, ACCOUNT_ADMIN = 0, 1


def keystone_domain(path):
    """The Keystone domain name of a CloudStack domain path: ``/``,
    ``ROOT`` or nothing → ``Default``; ``/Name`` or ``ROOT/Name`` →
    ``Name``."""
    parts = [p for p in (path or '').strip().split('/') if p]
    if parts and parts[0].upper() == 'ROOT':
        parts = parts[1:]
    return parts[-1] if parts else 'Default'


@command('login', role=ANONYMOUS, params=(
    P.Parameter('username', required=True, description='Keystone user '
                'name'),
    P.Parameter('password', required=True, description='its password '
                '(POST only)'),
    P.Parameter('domain', description='domain path, "/" for Default'),
    P.Parameter('domainid', description='Keystone domain ID'),
))
def login(request):
    """Logs a user in with its Keystone password; starts a session."""
    params = request.params
    identity = keystone.get_client(request.conf).password_login(
        params['username'], params['password'],
        domain_name=keystone_domain(params['domain']),
        domain_id=params['domainid'])
    store = sessions.get_store(request.conf)
    session_id, session_key = store.create(identity)
    request.set_cookies.append((sessions.COOKIE, session_id, None))
    LOG.info('CloudStack login of user %s in project %s',
             identity.user_id, identity.project_id)
    is_admin = 'admin' in [r.lower() for r in identity.roles]
    return {
        'username': identity.user_name, 'userid': identity.user_id,
        'domainid': identity.domain_id, 'account': identity.project_name,
        'accountid': identity.project_id,
        'type': str(ACCOUNT_ADMIN if is_admin else ACCOUNT_USER),
        'timeout': str(request.conf.cloudstack.session_timeout),
        'sessionkey': session_key, 'registered': 'false',
        'firstname': identity.user_name, 'lastname': '',
    }


@command('logout', role=READER)
def logout(request):
    """Ends the caller's login session."""
    sessions.get_store(request.conf).delete(
        request.cookies.get(sessions.COOKIE))
    request.set_cookies.append((sessions.COOKIE, '', 0))
    return {'description': 'success'}


def register_keys(conf, context, user_id, project_id):
    """Make a new API key pair for (user, project), replacing the old one.

    The secret goes to Keystone's credential store; the ``api_keys`` row
    maps the API key to it. Returns ``(api_key, secret_key)``.
    """
    client = keystone.get_client(conf)
    api_key, secret_key, credential_id = client.create_key_pair(user_id,
                                                                project_id)
    try:
        _row, replaced = api_keys.replace(context, api_key, credential_id,
                                          user_id, project_id)
    except Exception:
        client.delete_credential(credential_id)
        raise
    for old in replaced:
        client.delete_credential(old)
    client.cache.clear()
    return api_key, secret_key


@command('registerUserKeys', role=READER, response_object='userkeys',
         params=(P.Parameter('id', required=True, length=64,
                             description='Keystone user ID'),))
def register_user_keys(request):
    """Makes a new API key and secret key for a user in the caller's
    project (the caller itself, or any user for admins)."""
    ctx, user_id = request.context, request.params['id']
    if user_id != ctx.user_id:
        if not ctx.is_admin:
            raise errors.PermissionDenied(
                'Only administrators can register keys of other users')
        roles = keystone.get_client(request.conf).project_roles(
            user_id, ctx.project_id)
        if not roles:
            raise errors.InvalidParameter(
                'Unable to execute API command registeruserkeys due to '
                'invalid value %s for parameter id: no such user in '
                'account %s' % (user_id, ctx.project_name))
    api_key, secret_key = register_keys(request.conf, ctx, user_id,
                                        ctx.project_id)
    return {'userkeys': {'apikey': api_key, 'secretkey': secret_key}}
