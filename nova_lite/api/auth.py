"""Authentication pipeline of the nova_lite API (WSGI middleware).

``pipeline_factory(app, conf)`` wraps the API's WSGI app according to
``[api] auth_strategy``:

``keystone``::

    RequestId (oslo.middleware, applied by the caller, outside)
      -> keystonemiddleware auth_token (delay_auth_decision: marks the
         request X-Identity-Status Confirmed/Invalid instead of refusing)
      -> KeystoneContext (builds the RequestContext, or answers 401)
      -> app

``noauth`` (unit tests only)::

      -> NoAuthContext (trusts X-User-Id / X-Project-Id / X-Roles)
      -> app

Both store a ``nova_lite.context.RequestContext`` in
``environ['nova_lite.context']``.  The version documents (VERSION_PATHS)
answer without a token, as clients probe them unauthenticated: they get the
caller's context when the token is valid, else an anonymous one (no user,
no project, no roles).  Every other request without valid credentials gets
the compute API fault ``{"unauthorized": {"code": 401, "message": ...}}``
(compute API reference, "Faults").
"""
import json

from keystonemiddleware import auth_token
from oslo_config import cfg
from oslo_log import log as logging

from nova_lite import context
from nova_lite import exception
import nova_lite.conf

CONF = nova_lite.conf.CONF
LOG = logging.getLogger(__name__)

#: WSGI environ key of the request's RequestContext.
CONTEXT_KEY = 'nova_lite.context'

#: Version documents served without authentication: the compute API root
#: and its versions, and the image, Networking and Block Storage APIs'
#: versions documents.
VERSION_PATHS = frozenset({'/', '/v2', '/v2/', '/v2.1', '/v2.1/',
                           '/image', '/image/', '/network', '/network/',
                           '/volume', '/volume/', '/volume/v3',
                           '/volume/v3/'})

#: Defaults of the noauth strategy for headers the request leaves out.
NOAUTH_USER = 'fake_user'
NOAUTH_PROJECT = 'fake_project'
NOAUTH_ROLES = 'member'


def is_version_request(environ):
    """True for ``GET``/``HEAD`` of a path in VERSION_PATHS."""
    return (environ.get('REQUEST_METHOD') in ('GET', 'HEAD')
            and environ.get('PATH_INFO', '') in VERSION_PATHS)


def unauthorized(start_response, message=None):
    """Answer 401 with the compute API fault body; returns the WSGI body.

    Body: ``{"unauthorized": {"code": 401, "message": message}}``.
    """
    message = message or exception.NotAuthenticated().format_message()
    body = json.dumps({'unauthorized': {'code': 401,
                                        'message': message}}).encode()
    start_response('401 Unauthorized', [
        ('Content-Type', 'application/json'),
        ('Content-Length', str(len(body)))])
    return [body]


def anonymous_context(environ):
    """Context of an unauthenticated version-document request."""
    kwargs = {}
    if environ.get('openstack.request_id'):
        kwargs['request_id'] = environ['openstack.request_id']
    return context.RequestContext(user_id=None, project_id=None, roles=[],
                                  is_admin=False, **kwargs)


class KeystoneContext:
    """Builds the RequestContext from keystonemiddleware's headers.

    auth_token (with ``delay_auth_decision``) removes any client-supplied
    identity headers and sets ``X-Identity-Status: Confirmed`` plus
    X-User-Id, X-User-Name, X-Project-Id, X-Project-Name and X-Roles
    (comma-separated) for a valid token, ``Invalid`` otherwise; see
    keystonemiddleware's auth_token documentation, "What auth_token adds
    to the request".  The request id comes from ``openstack.request_id``.
    """

    def __init__(self, app):
        self.app = app

    @staticmethod
    def identity_confirmed(environ):
        """True when the user token (and a service token, if sent) is
        valid."""
        return (environ.get('HTTP_X_IDENTITY_STATUS') == 'Confirmed'
                and environ.get('HTTP_X_SERVICE_IDENTITY_STATUS',
                                'Confirmed') == 'Confirmed')

    def __call__(self, environ, start_response):
        if self.identity_confirmed(environ):
            ctx = context.RequestContext.from_environ(environ)
        elif is_version_request(environ):
            ctx = anonymous_context(environ)
        else:
            LOG.info('Unauthenticated %s %s refused',
                     environ.get('REQUEST_METHOD'), environ.get('PATH_INFO'))
            return unauthorized(start_response)
        environ[CONTEXT_KEY] = ctx
        return self.app(environ, start_response)


class NoAuthContext:
    """Trusts the caller's identity headers (unit tests only).

    ``X-User-Id``, ``X-Project-Id`` and ``X-Roles`` (comma-separated) give
    the context; an ``X-Auth-Token`` of the form ``user:project`` fills
    the user and project the headers leave out, and the NOAUTH_* defaults
    fill what is still missing.  A request that brings neither
    ``X-Project-Id`` nor a ``user:project`` token is refused with 401,
    except for the version documents (anonymous context).
    """

    def __init__(self, app):
        self.app = app

    @staticmethod
    def context_from_headers(environ):
        """RequestContext from the headers, or None without credentials."""
        token_user, colon, token_project = environ.get(
            'HTTP_X_AUTH_TOKEN', '').partition(':')
        project_id = environ.get('HTTP_X_PROJECT_ID')
        if not (project_id or colon):
            return None
        user_id = environ.get('HTTP_X_USER_ID') or token_user or NOAUTH_USER
        project_id = project_id or token_project or NOAUTH_PROJECT
        roles = [r.strip() for r in
                 (environ.get('HTTP_X_ROLES') or NOAUTH_ROLES).split(',')
                 if r.strip()]
        kwargs = {}
        if environ.get('openstack.request_id'):
            kwargs['request_id'] = environ['openstack.request_id']
        return context.RequestContext(
            user_id=user_id, project_id=project_id, roles=roles,
            user_name=user_id, project_name=project_id, **kwargs)

    def __call__(self, environ, start_response):
        ctx = self.context_from_headers(environ)
        if ctx is None:
            if not is_version_request(environ):
                return unauthorized(start_response)
            ctx = anonymous_context(environ)
        environ[CONTEXT_KEY] = ctx
        return self.app(environ, start_response)


def register_keystone_authtoken_opts(conf):
    """Make the ``[keystone_authtoken]`` options readable on ``conf``.

    Importing ``keystonemiddleware.auth_token`` registers them (and
    ``[cache]``) on the global ``cfg.CONF``, as OpenStack services rely
    on; another ConfigOpts gets them registered here.  The options of the
    ``auth_type`` plugin (auth_url, username, ...) are registered by
    AuthProtocol itself when it loads the plugin.
    """
    if conf is not cfg.CONF:
        for group, opts in auth_token.list_opts():
            conf.register_opts(opts, group=group)


def keystone_pipeline(app, conf):
    """``app`` behind auth_token and KeystoneContext (see module doc).

    auth_token reads ``[keystone_authtoken]`` from ``conf``;
    ``delay_auth_decision`` is forced on so that KeystoneContext decides
    per path (version documents pass, the rest gets the compute API 401).
    """
    register_keystone_authtoken_opts(conf)
    return auth_token.AuthProtocol(KeystoneContext(app), {
        'oslo_config_config': conf,
        'delay_auth_decision': True,
    })


def pipeline_factory(app, conf=CONF):
    """Wrap the WSGI ``app`` for ``conf.api.auth_strategy``.

    :param app: WSGI application (the compute/CloudStack API router).
    :param conf: oslo.config ConfigOpts with nova_lite's options
        registered (default: the global CONF).
    :returns: a WSGI application that puts a RequestContext in
        ``environ['nova_lite.context']``.
    """
    strategy = conf.api.auth_strategy
    if strategy == 'noauth':
        LOG.warning('[api] auth_strategy = noauth: identity headers are '
                    'trusted; for unit tests only')
        return NoAuthContext(app)
    return keystone_pipeline(app, conf)
