"""Errors of the image API in Glance's format (Glance image API v2
reference, "HTTP status codes"; Glance answers through webob): a JSON
body ``{"message", "code": "404 Not Found", "title": "Not Found"}`` when
the client accepts JSON, else plain text ``404 Not Found\\n\\n<message>``.
"""
import json

import flask
from oslo_db import exception as db_exc
from oslo_log import log as logging
from werkzeug import exceptions as http_exceptions
from werkzeug import wrappers

from nova_lite import exception

LOG = logging.getLogger(__name__)

TITLES = {
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
    404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
    409: 'Conflict', 413: 'Request Entity Too Large',
    415: 'Unsupported Media Type', 500: 'Internal Server Error',
    503: 'Service Unavailable',
}


class RequestEntityTooLarge(exception.NovaLiteException):
    """413: image data over ``[image] max_image_size_mb``."""
    msg_fmt = 'Image exceeds the storage quota: the limit is %(limit)d MiB.'
    code = 413


class UnsupportedMediaType(exception.NovaLiteException):
    """415: a body of the wrong Content-Type."""
    msg_fmt = 'Unsupported Content-Type %(content_type)s: expected ' \
              '%(expected)s.'
    code = 415


def _wants_json():
    accept = flask.request.accept_mimetypes
    return accept.best_match(['application/json', 'text/plain']) == \
        'application/json' and 'application/json' in accept


def error_response(code, message, headers=None):
    """A werkzeug Response with a Glance-style error body."""
    title = TITLES.get(code, 'Error')
    status = '%d %s' % (code, title)
    if _wants_json():
        body = json.dumps({'message': message, 'code': status,
                           'title': title})
        content_type = 'application/json'
    else:
        body = '%s\n\n%s\n\n' % (status, message)
        content_type = 'text/plain; charset=UTF-8'
    response = wrappers.Response(body, status=code,
                                 content_type=content_type)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _nova_lite_error(exc):
    code = exc.code if 400 <= exc.code < 600 else 500
    LOG.info('%s %s: %s %s', flask.request.method, flask.request.path, code,
             exc.format_message())
    return error_response(code, exc.format_message(),
                          getattr(exc, 'headers', None))


def _http_error(exc):
    headers = {k: v for k, v in exc.get_headers() if k.lower() == 'allow'}
    message = {404: 'The resource could not be found.',
               405: 'The method is not allowed for this resource.'}.get(
        exc.code, exc.description or exc.name)
    return error_response(exc.code or 500, message, headers)


def _database_error(exc):
    if isinstance(exc, db_exc.DBConnectionError):
        LOG.warning('%s %s: database unreachable', flask.request.method,
                    flask.request.path)
        return error_response(503, 'The database is unreachable; retry '
                              'later.', {'Retry-After': '10'})
    return _unexpected_error(exc)


def _unexpected_error(_exc):
    LOG.exception('Unexpected error in %s %s', flask.request.method,
                  flask.request.path)
    return error_response(500, 'Unexpected error (request %s); the '
                          'operator can find its cause in the API log.'
                          % flask.request.environ.get(
                              'openstack.request_id', ''))


def install(app):
    """Answer every error of ``app`` in Glance's format."""
    app.register_error_handler(exception.NovaLiteException,
                               _nova_lite_error)
    app.register_error_handler(http_exceptions.HTTPException, _http_error)
    app.register_error_handler(db_exc.DBError, _database_error)
    app.register_error_handler(Exception, _unexpected_error)
