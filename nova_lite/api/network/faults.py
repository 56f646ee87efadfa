"""Faults of the Networking API in Neutron's format (Networking API
reference, "Faults"): ``{"NeutronError": {"type", "message",
"detail"}}`` with ``type`` the error's name (``SecurityGroupNotFound``,
``PolicyNotAuthorized``...; ``errors.NetworkError``) or, for other
errors, the HTTP class of the status (``HTTPBadRequest``,
``HTTPNotFound``...), and ``detail`` ''.
"""
import json

import flask
from oslo_db import exception as db_exc
from oslo_log import log as logging
import sqlalchemy.exc as sa_exc
from werkzeug import exceptions as http_exceptions
from werkzeug import wrappers

from nova_lite.api import faults as api_faults
from nova_lite import exception

LOG = logging.getLogger(__name__)

HTTP_TYPES = {
    400: 'HTTPBadRequest', 401: 'HTTPUnauthorized', 403: 'HTTPForbidden',
    404: 'HTTPNotFound', 405: 'HTTPMethodNotAllowed',
    409: 'HTTPConflict', 413: 'HTTPRequestEntityTooLarge',
    415: 'HTTPUnsupportedMediaType', 500: 'HTTPInternalServerError',
    503: 'HTTPServiceUnavailable',
}


def fault_body(code, error_type, message):
    """``{"NeutronError": {"type", "message", "detail": ""}}``."""
    return {'NeutronError': {'type': error_type or HTTP_TYPES.get(
        code, 'HTTPInternalServerError'), 'message': message,
        'detail': ''}}


def fault_response(code, message, error_type=None, headers=None):
    """A werkzeug Response carrying a Neutron fault."""
    response = wrappers.Response(
        json.dumps(fault_body(code, error_type, message)), status=code,
        content_type='application/json')
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _nova_lite_error(exc):
    code = exc.code if 400 <= exc.code < 600 else 500
    error_type = type(exc).__name__ if getattr(
        exc, 'neutron_type', False) else None
    LOG.info('%s %s: %s %s', flask.request.method, flask.request.path, code,
             exc.format_message())
    return fault_response(code, exc.format_message(), error_type,
                          getattr(exc, 'headers', None))


def _http_error(exc):
    headers = {k: v for k, v in exc.get_headers() if k.lower() == 'allow'}
    message = {404: 'The resource could not be found.',
               405: 'The method is not allowed for this resource.'}.get(
        exc.code, exc.description or exc.name)
    return fault_response(exc.code or 500, message, headers=headers)


def _database_error(exc):
    if not api_faults.is_db_connection_error(exc):
        return _unexpected_error(exc)
    LOG.warning('%s %s: database unreachable', flask.request.method,
                flask.request.path)
    return fault_response(503, 'The database is unreachable; retry later.',
                          headers={'Retry-After': str(
                              api_faults.DB_RETRY_AFTER)})


def _unexpected_error(_exc):
    LOG.exception('Unexpected error in %s %s', flask.request.method,
                  flask.request.path)
    return fault_response(500, 'Request Failed: internal server error '
                          'while processing your request (request %s).'
                          % flask.request.environ.get(
                              'openstack.request_id', ''))


def install(app):
    """Answer every error of ``app`` as a Neutron fault."""
    app.register_error_handler(exception.NovaLiteException,
                               _nova_lite_error)
    app.register_error_handler(http_exceptions.HTTPException, _http_error)
    app.register_error_handler(db_exc.DBError, _database_error)
    app.register_error_handler(sa_exc.SQLAlchemyError, _database_error)
    app.register_error_handler(Exception, _unexpected_error)
