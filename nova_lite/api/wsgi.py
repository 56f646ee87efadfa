"""The WSGI application of the nova_lite API.

``build_app(conf)`` assembles, outermost first::

    RequestId (oslo.middleware: x-openstack-request-id, and Nova's
               x-compute-request-id, on every response)
      -> RequestMetrics (Prometheus: requests by route template, method,
         status; nova_lite.api.metrics)
      -> AccessLog (one line per request, never bodies)
      -> BodySizeLimit ([api] max_request_body_size → 413)
      -> PathDispatcher: ``mounts`` (apps with their own authentication,
         e.g. the CloudStack API at /client, the unauthenticated
         /healthcheck of ``nova_lite.api.healthcheck``) by path prefix, else
      -> nova_lite.api.auth.pipeline_factory (keystone or noauth)
      -> the Flask app (microversions, body schemas, handlers, faults)

Every error leaves as a compute API fault (compute API reference,
"Faults"): ``NovaLiteException`` with its ``code`` and message, werkzeug
HTTP errors (unknown route 404, wrong method 405) with theirs, a lost or
refused database connection as a 503 ``serviceUnavailable`` with
Retry-After, anything else as a 500 ``computeFault`` with a generic
message (the traceback goes to the log only).
"""
import json
import time

import flask
from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_middleware import request_id
import sqlalchemy.exc as sa_exc
from werkzeug import exceptions as http_exceptions

import nova_lite.conf  # noqa: F401 - registers the options on cfg.CONF
from nova_lite.api import auth
from nova_lite.api import cloudstack
from nova_lite.api import faults
from nova_lite.api import healthcheck
from nova_lite.api import image as image_endpoint
from nova_lite.api import metadata as metadata_endpoint
from nova_lite.api import metrics as api_metrics
from nova_lite.api import microversion
from nova_lite.api import network as network_endpoint
from nova_lite.api import volume as volume_endpoint
from nova_lite.api import openapi
from nova_lite.api import openstack
from nova_lite.api.openstack import compute
from nova_lite.api import schemas
from nova_lite.api.schemas import queries
from nova_lite.compute import api as compute_api
from nova_lite import exception
from nova_lite import policy

LOG = logging.getLogger(__name__)

_HTTP_MESSAGES = {
    404: 'The resource could not be found.',
    405: 'The method is not allowed for this resource.',
}


# -------------------------------------------------------------- middleware

class _LimitedInput:
    """A ``wsgi.input`` that raises RequestTooLarge past ``limit`` bytes
    (bodies without Content-Length, i.e. chunked)."""

    def __init__(self, stream, limit):
        self._stream = stream
        self._limit = limit
        self._read = 0

    def _count(self, data):
        self._read += len(data)
        if self._read > self._limit:
            raise openstack.RequestTooLarge(limit=self._limit)
        return data

    def read(self, size=-1):
        """Read at most ``size`` bytes (all when negative)."""
        if size is None or size < 0:
            size = self._limit + 1 - self._read
        return self._count(self._stream.read(
            min(size, self._limit + 1 - self._read)))

    def readline(self, size=-1):
        """Read one line of at most ``size`` bytes."""
        if size is None or size < 0:
            size = self._limit + 1 - self._read
        return self._count(self._stream.readline(
            min(size, self._limit + 1 - self._read)))

    def __iter__(self):
        return iter(self.readline, b'')


class BodySizeLimit:
    """Refuse request bodies larger than ``[api] max_request_body_size``
    bytes (read per request) with a 413 ``overLimit`` fault; a bad
    Content-Length is a 400.  Image uploads are exempt (the image API
    bounds them by ``[image] max_image_size_mb``)."""

    def __init__(self, app, conf):
        self.app = app
        self.conf = conf

    def __call__(self, environ, start_response):
        if image_endpoint.is_upload(environ):
            return self.app(environ, start_response)
        limit = self.conf.api.max_request_body_size
        length = environ.get('CONTENT_LENGTH')
        if length:
            try:
                too_large = int(length) > limit
            except ValueError:
                return openstack.fault_response(
                    400, 'Invalid Content-Length %r.' % length[:32])(
                    environ, start_response)
            if too_large:
                exc = openstack.RequestTooLarge(limit=limit)
                return openstack.fault_response(
                    413, exc.format_message())(environ, start_response)
        elif 'wsgi.input' in environ:
            environ['wsgi.input'] = _LimitedInput(environ['wsgi.input'],
                                                  limit)
        return self.app(environ, start_response)


class RequestId(request_id.RequestId):
    """oslo.middleware's RequestId that also answers the request id in
    ``x-compute-request-id``, as Nova does (clients such as Tempest read
    it to find the instance action of a request)."""

    compat_headers = ['x-compute-request-id']


class AccessLog:
    """Log method, path, status, length and duration of each request
    (never its body: it may hold adminPass or user_data)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        started = time.monotonic()
        status = []

        def _start_response(status_line, headers, exc_info=None):
            status.append(status_line.split(' ', 1)[0])
            return start_response(status_line, headers, exc_info)

        try:
            return self.app(environ, _start_response)
        finally:
            LOG.info('%s %s %s status: %s time: %.3f',
                     environ.get('openstack.request_id', '-'),
                     environ.get('REQUEST_METHOD'),
                     environ.get('PATH_INFO'), status[0] if status else '-',
                     time.monotonic() - started)


class PathDispatcher:
    """Send requests under a mounted path prefix to that prefix's WSGI
    app (PATH_INFO unchanged), all others to ``default``."""

    def __init__(self, default, mounts):
        self.default = default
        self.mounts = [(prefix.rstrip('/'), app)
                       for prefix, app in (mounts or {}).items()]

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO', '')
        for prefix, app in self.mounts:
            if path == prefix or path.startswith(prefix + '/'):
                return app(environ, start_response)
        return self.default(environ, start_response)


# ----------------------------------------------------------- request body

def _reject_constant(name):
    raise ValueError('%s is not valid JSON' % name)


def _json_body():
    """The parsed JSON body of the request.

    :raises: InvalidRequestBody (400) when empty or malformed,
        UnsupportedMediaType (415) when not ``application/json``
    """
    data = flask.request.get_data(cache=True)
    if not data.strip():
        raise exception.InvalidRequestBody(reason='a JSON body is required')
    mimetype = flask.request.mimetype
    if mimetype and mimetype != 'application/json' \
            and not mimetype.endswith('+json'):
        raise openstack.UnsupportedMediaType(content_type=mimetype[:64])
    try:
        body = json.loads(data, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) else \
            'nested too deeply'
        raise exception.InvalidRequestBody(reason=reason[:200]) from None
    if _has_nul(body):
        raise exception.InvalidRequestBody(
            reason='NUL characters are not allowed in strings')
    return body


def _has_nul(value):
    """True if a string (or dict key) of a parsed JSON body holds NUL,
    which no database column accepts (PostgreSQL refuses it)."""
    if isinstance(value, str):
        return '\x00' in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _reject_nul_in_url():
    """A NUL in the path is an unknown resource (404), in the query a
    400: it could only reach the database as an error."""
    if '\x00' in flask.request.path:
        raise exception.NotFound()
    for key, value in flask.request.args.items(multi=True):
        if '\x00' in key or '\x00' in value:
            raise exception.ValidationError(
                attribute=key.replace('\x00', '')[:64],
                reason='NUL characters are not allowed')


def _validate_body():
    """Parse and validate the body of routes listed in
    ``schemas.route_schemas()`` (the schema of the request's
    microversion) into ``flask.g.body``; from microversion 2.75 refuse
    unknown query parameters (``schemas.queries``)."""
    flask.g.body = None
    rule = flask.request.url_rule
    if rule is None:
        return
    if microversion.at_least('2.75'):
        queries.check(flask.request.method, rule.rule, flask.request.args,
                      strict_everywhere=microversion.at_least('2.102'))
    schema = schemas.for_version(
        flask.current_app.config['ROUTE_SCHEMAS'].get(
            (flask.request.method, rule.rule)), microversion.requested())
    if schema is not None:
        body = _json_body()
        schemas.validate(schema, body)
        flask.g.body = body


# ----------------------------------------------------------------- faults

def _nova_lite_fault(exc):
    code = exc.code if 400 <= exc.code < 600 else 500
    if code >= 500:
        LOG.error('%s %s failed: %s', flask.request.method,
                  flask.request.path, exc.format_message())
    else:
        LOG.info('%s %s: %s %s', flask.request.method, flask.request.path,
                 code, exc.format_message())
    return openstack.fault_response(code, exc.format_message(),
                                    getattr(exc, 'headers', None))


def _http_fault(exc):
    code = exc.code or 500
    headers = {k: v for k, v in exc.get_headers() if k.lower() == 'allow'}
    message = _HTTP_MESSAGES.get(code) or exc.description or exc.name
    return openstack.fault_response(code, message, headers)


def _timeout_fault(_exc):
    LOG.warning('%s %s: RPC timed out', flask.request.method,
                flask.request.path)
    return openstack.fault_response(
        503, 'A nova_lite service did not answer in time; retry later.',
        {'Retry-After': str(faults.RPC_RETRY_AFTER)})


def _database_fault(exc):
    """503 ``serviceUnavailable`` when the database cannot be reached
    (services retry and resume when it is back), else a 500."""
    if not faults.is_db_connection_error(exc):
        return _unexpected_fault(exc)
    LOG.warning('%s %s: database unreachable: %s', flask.request.method,
                flask.request.path, type(exc).__name__)
    return openstack.fault_response(
        503, 'The database is unreachable; retry later.',
        {'Retry-After': str(faults.DB_RETRY_AFTER)})


def _unexpected_fault(_exc):
    request_id_value = flask.request.environ.get('openstack.request_id', '')
    LOG.exception('Unexpected error in %s %s', flask.request.method,
                  flask.request.path)
    return openstack.fault_response(
        500, 'Unexpected API error (request %s). The operator can find its '
        'cause in the API log.' % request_id_value)


# -------------------------------------------------------------------- app

class _JSONResponse(flask.Response):
    default_mimetype = 'application/json'


def create_flask_app(conf=cfg.CONF, extra_blueprints=(), server_api=None):
    """The Flask app of the compute API (without the middleware).

    :param extra_blueprints: more Flask blueprints to serve (e.g. the
        CloudStack command API); their POST/PUT routes are not validated
        here
    :param server_api: the ``nova_lite.compute.api.API`` the handlers
        use (``build_app`` shares one with the CloudStack API); a new one
        by default
    """
    app = flask.Flask('nova_lite.api')
    app.response_class = _JSONResponse
    app.json.sort_keys = False
    app.config[openstack.CONF_KEY] = conf
    app.config['ROUTE_SCHEMAS'] = schemas.route_schemas()
    app.extensions[openstack.COMPUTE_API_KEY] = (server_api
                                                 or compute_api.API())
    for blueprint in (tuple(compute.BLUEPRINTS) + (openapi.bp,)
                      + tuple(extra_blueprints)):
        app.register_blueprint(blueprint)
    app.before_request(_reject_nul_in_url)
    microversion.install(app)
    app.before_request(_validate_body)
    app.register_error_handler(exception.NovaLiteException, _nova_lite_fault)
    app.register_error_handler(http_exceptions.HTTPException, _http_fault)
    app.register_error_handler(messaging.MessagingTimeout, _timeout_fault)
    app.register_error_handler(db_exc.DBError, _database_fault)
    app.register_error_handler(sa_exc.SQLAlchemyError, _database_fault)
    app.register_error_handler(Exception, _unexpected_fault)
    return app


def build_app(conf=cfg.CONF, extra_blueprints=(), mounts=None):
    """The WSGI app of the nova_lite API (see the module docstring).

    :param extra_blueprints: Flask blueprints served behind the compute
        API's authentication (e.g. the image API under /image)
    :param mounts: dict path prefix → WSGI app doing its own
        authentication; the CloudStack API (``nova_lite.api.cloudstack``)
        is mounted at /client unless ``[cloudstack] enabled`` is false,
        the image API (``nova_lite.api.image``, behind the compute API's
        authentication pipeline) at /image, the Networking API
        (``nova_lite.api.network``, likewise) at /network, the Block
        Storage API (``nova_lite.api.volume``, likewise) at /volume, the
        metadata
        service (``nova_lite.api.metadata``, signed by its proxy) at its
        paths with ``[metadata] serve_in_api``
    """
    policy.get_enforcer(conf)
    # One compute API (its RPC clients and image API) for both APIs.
    server_api = compute_api.API()
    app = create_flask_app(conf, extra_blueprints, server_api)
    app = auth.pipeline_factory(app, conf)
    mounts = dict(mounts or {})
    mounts.update(healthcheck.mount(app, conf))
    if conf.cloudstack.enabled:
        mounts.setdefault(cloudstack.PREFIX, cloudstack.create_app(
            conf, server_api))
    mounts.setdefault(image_endpoint.PREFIX, image_endpoint.create_app(conf))
    mounts.setdefault(network_endpoint.PREFIX,
                      network_endpoint.create_app(conf))
    mounts.setdefault(volume_endpoint.PREFIX,
                      volume_endpoint.create_app(conf))
    for prefix, metadata_app in metadata_endpoint.mounts(conf).items():
        mounts.setdefault(prefix, metadata_app)
    if mounts:
        app = PathDispatcher(app, mounts)
    app = BodySizeLimit(app, conf)
    app = AccessLog(app)
    app = api_metrics.RequestMetrics(app)
    return RequestId(app)

