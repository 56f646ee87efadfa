"""The Block Storage API v3 at ``/volume`` (``/volume/v3/{project_id}/
...``, the subset of Cinder's API clients use: doc/volumes.md) over
nova_lite's volume service.

``create_app(conf)`` is a Flask app of its own behind the compute API's
authentication pipeline (``nova_lite.api.auth``), mounted at PREFIX by
``nova_lite.api.wsgi.build_app`` and registered in the Keystone catalog
as service types ``block-storage`` and ``volumev3``
(devstack/tools/keystone_lab.py). Errors are Cinder's fault bodies
(``{"badRequest": {"message", "code"}}``...); the microversion is
negotiated per request (``common.parse_version``). Modules:
``versions``, ``volumes`` (with ``volume_actions``), ``attachments``,
``snapshots``, ``types_quotas`` (types, limits, quota sets),
``views``, ``common``.
"""
import flask
from oslo_db import exception as db_exc
from oslo_log import log as logging
import oslo_messaging as messaging
import sqlalchemy.exc as sa_exc
from werkzeug import exceptions as http_exceptions

from nova_lite.api import auth
from nova_lite.api import faults as api_faults
from nova_lite.api import openstack
from nova_lite.api.volume import common
from nova_lite import exception

LOG = logging.getLogger(__name__)
PREFIX = '/volume'


def _before():
    if flask.request.path.rstrip('/') in ('/volume', '/volume/v3'):
        return None
    flask.g.volume_version = common.parse_version(flask.request.headers)
    return None


def _after(response):
    version = flask.g.get('volume_version')
    if version is not None:
        response.headers[common.HEADER] = 'volume ' + common.fmt(version)
        response.headers['Vary'] = common.HEADER
    return response


def _error(exc):
    code = exc.code if 400 <= exc.code < 600 else 500
    if code >= 500:
        LOG.error('%s %s failed: %s', flask.request.method,
                  flask.request.path, exc.format_message())
    return _after(openstack.fault_response(code, exc.format_message(),
                                           getattr(exc, 'headers', None)))


def _http_error(exc):
    message = {404: 'The resource could not be found.',
               405: 'The method is not allowed for this resource.'}.get(
        exc.code, exc.description or exc.name)
    headers = {k: v for k, v in exc.get_headers() if k.lower() == 'allow'}
    return _after(openstack.fault_response(exc.code or 500, message,
                                           headers))


def _timeout(_exc):
    return _after(openstack.fault_response(
        503, 'The volume service did not answer in time; retry later.',
        {'Retry-After': str(api_faults.RPC_RETRY_AFTER)}))


def _database_error(exc):
    if api_faults.is_db_connection_error(exc):
        return _after(openstack.fault_response(
            503, 'The database is unreachable; retry later.',
            {'Retry-After': str(api_faults.DB_RETRY_AFTER)}))
    return _unexpected(exc)


def _unexpected(_exc):
    LOG.exception('Unexpected error in %s %s', flask.request.method,
                  flask.request.path)
    return _after(openstack.fault_response(
        500, 'The server has either erred or is incapable of performing '
        'the requested operation.'))


def _remote(exc):
    """A volume service error carried back by an RPC call."""
    code = {'InvalidVolume': 400, 'Invalid': 400, 'VolumeNotFound': 404,
            'AttachmentNotFound': 404}.get(exc.exc_type, 500)
    return _after(openstack.fault_response(code, exc.value))


def create_flask_app(conf):
    """The Flask app of the Block Storage API (without authentication)."""
    from nova_lite.api.volume import attachments
    from nova_lite.api.volume import scheduler_stats
    from nova_lite.api.volume import snapshots
    from nova_lite.api.volume import types_quotas
    from nova_lite.api.volume import versions
    from nova_lite.api.volume import volume_actions
    from nova_lite.api.volume import volumes

    app = flask.Flask('nova_lite.api.volume')
    app.config[openstack.CONF_KEY] = conf
    app.json.sort_keys = False
    app.url_map.strict_slashes = False
    for blueprint in (versions.bp, volumes.bp, volume_actions.bp,
                      attachments.bp, snapshots.bp, types_quotas.bp,
                      scheduler_stats.bp):
        app.register_blueprint(blueprint)
    app.before_request(_before)
    app.after_request(_after)
    app.register_error_handler(exception.NovaLiteException, _error)
    app.register_error_handler(http_exceptions.HTTPException, _http_error)
    app.register_error_handler(messaging.MessagingTimeout, _timeout)
    app.register_error_handler(messaging.RemoteError, _remote)
    app.register_error_handler(db_exc.DBError, _database_error)
    app.register_error_handler(sa_exc.SQLAlchemyError, _database_error)
    app.register_error_handler(Exception, _unexpected)
    return app


def create_app(conf):
    """The Block Storage API behind the compute API's authentication
    pipeline."""
    return auth.pipeline_factory(create_flask_app(conf), conf)
