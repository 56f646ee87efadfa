"""Who is calling ``/client/api``: signed requests and login sessions.

CloudStack API reference, "Authentication": a request is either signed
(``apiKey`` + ``signature``, see ``signing``; with ``signatureVersion=3``
also ``expires``) or belongs to a login session (``JSESSIONID`` cookie +
``sessionkey`` parameter, see ``sessions``). Either way the caller is a
Keystone user in a project, and the call runs with a
``nova_lite.context.RequestContext`` carrying that user's roles, so
policy, quotas and project isolation are those of the compute API.
Every failure is the same 401 for the client; the log says why (never
with a secret).
"""
import datetime

from oslo_log import log as logging

from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import keystone
from nova_lite.api.cloudstack import sessions
from nova_lite.api.cloudstack import signing
from nova_lite.cloudstack import api_keys
from nova_lite import context as nl_context
from nova_lite import exception

LOG = logging.getLogger(__name__)


def _refuse(reason, *args):
    LOG.info('CloudStack request refused: ' + reason, *args)
    return errors.Unauthorized()


def by_signature(conf, raw, values, now=None):
    """Identity of a signed request.

    :param raw: ``{name as sent: value}`` of every request parameter
    :param values: the same with lower-case names
    :raises: Unauthorized (401)
    """
    api_key, signature = values.get('apikey'), values.get('signature')
    if not api_key or not signature:
        raise _refuse('apiKey or signature missing')
    if values.get('signatureversion') == '3':
        now = now or datetime.datetime.now(datetime.timezone.utc)
        reason = signing.check_expires(values.get('expires'), now,
                                       conf.cloudstack.max_expires_seconds)
        if reason:
            raise _refuse('%s', reason)
    try:
        row = api_keys.get(api_key)
    except exception.NotFound:
        raise _refuse('unknown API key %s...', api_key[:6]) from None
    secret, identity = keystone.get_client(conf).api_key_identity(row)
    if not signing.verify(raw, secret, signature):
        raise _refuse('bad signature for the API key of user %s',
                      row['user_id'])
    return identity


def by_session(conf, values, cookies):
    """Identity of a request in a login session.

    :raises: Unauthorized (401) without a live session matching both the
        ``JSESSIONID`` cookie and the ``sessionkey`` parameter
    """
    identity = sessions.get_store(conf).get(cookies.get(sessions.COOKIE),
                                            values.get('sessionkey'))
    if identity is None:
        raise _refuse('no session for this JSESSIONID and sessionkey')
    return identity


def authenticate(conf, raw, values, cookies):
    """Identity of the caller (signature first, then session).

    :raises: Unauthorized (401)
    """
    if values.get('apikey') or values.get('signature'):
        return by_signature(conf, raw, values)
    if values.get('sessionkey'):
        return by_session(conf, values, cookies)
    raise _refuse('no apiKey/signature and no sessionkey')


def request_context(identity, request_id=None):
    """The RequestContext of a CloudStack caller."""
    kwargs = {'request_id': request_id} if request_id else {}
    return nl_context.RequestContext(
        user_id=identity.user_id, project_id=identity.project_id,
        roles=list(identity.roles), user_name=identity.user_name,
        project_name=identity.project_name,
        user_domain_id=identity.domain_id, **kwargs)
