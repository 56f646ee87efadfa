"""The dashboard's Flask application.

``build_app(conf)`` returns the WSGI app: the views of ``views``, every
page and fragment behind a signed-in session (``before_request``), a
CSRF check on every state-changing request, and security headers
(Content-Security-Policy with nothing but this origin, no framing, no
caching of pages). Vendor assets (htmx, Pico CSS) are served from the
``node_modules`` that tools/fetch-dashboard-assets.sh fills.
"""
import hmac
import os
import time
import urllib.parse

import flask
from oslo_log import log as logging

from nova_lite.api import wsgi as api_wsgi
from nova_lite.dashboard import client
from nova_lite.dashboard import csp
from nova_lite.dashboard import sessions
from nova_lite.dashboard.views import activity
from nova_lite.dashboard.views import admin
from nova_lite.dashboard.views import auth
from nova_lite.dashboard.views import keypairs
from nova_lite.dashboard.views import images
from nova_lite.dashboard.views import overview
from nova_lite.dashboard.views import servers

LOG = logging.getLogger(__name__)

#: Endpoints served without a session.
PUBLIC_ENDPOINTS = frozenset(('auth.login', 'static', 'vendor', 'health',
                              'favicon'))
#: Files served at /vendor/<name>, inside the assets' node_modules.
VENDOR_FILES = {
    'htmx.min.js': ('htmx.org', 'dist', 'htmx.min.js'),
    'pico.min.css': ('@picocss', 'pico', 'css', 'pico.min.css'),
}
_SAFE_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS'))
_HERE = os.path.dirname(os.path.abspath(__file__))


def identity_url(conf):
    """The Keystone v3 URL users sign in against ([dashboard] auth_url,
    else [keystone_authtoken] www_authenticate_uri), ending in /v3."""
    url = conf.dashboard.auth_url
    if not url:
        try:
            url = conf.keystone_authtoken.www_authenticate_uri
        except Exception:  # noqa: BLE001 - group not registered
            url = None
    if not url:
        raise ValueError('[dashboard] auth_url is not set')
    url = url.rstrip('/')
    return url if url.endswith('/v3') else url + '/v3'


def _is_htmx():
    return flask.request.headers.get('HX-Request') == 'true'


def _sign_in_redirect():
    """Where a request without a live session goes: the sign-in page
    (an htmx fragment request is told to send the whole page there)."""
    target = flask.url_for('auth.login')
    if _is_htmx():
        resp = flask.make_response('', 401)
        resp.headers['HX-Redirect'] = target
        return resp
    path = flask.request.full_path.rstrip('?')
    return flask.redirect(target + '?' + urllib.parse.urlencode(
        {'next': path}))


def _load_session():
    flask.g.session = None
    if flask.request.endpoint in PUBLIC_ENDPOINTS:
        return None
    opts = flask.current_app.config['NOVA_LITE_DASHBOARD']
    session = sessions.get(flask.request.cookies.get(sessions.COOKIE),
                           opts.session_idle_timeout, time.time())
    if session is None:
        return _sign_in_redirect()
    flask.g.session = session
    flask.g.api = client.APIClient(
        session, opts.request_timeout,
        request_id=flask.request.environ.get('openstack.request_id'))
    if flask.request.method not in _SAFE_METHODS:
        sent = (flask.request.headers.get('X-CSRF-Token')
                or flask.request.form.get('csrf_token') or '')
        if not hmac.compare_digest(sent.encode(),
                                   session.csrf_token.encode()):
            LOG.warning('%s %s refused: CSRF token missing or wrong',
                        flask.request.method, flask.request.path)
            flask.abort(403, 'The form has expired or did not come from '
                             'this dashboard: reload the page.')
    return None


def _security_headers(resp):
    resp.headers.setdefault('Content-Security-Policy', csp.policy())
    resp.headers['X-Content-Type-Options'] = 'nosniff'
    resp.headers['X-Frame-Options'] = 'DENY'
    resp.headers['Referrer-Policy'] = 'same-origin'
    if flask.request.endpoint not in ('static', 'vendor'):
        resp.headers['Cache-Control'] = 'no-store'
    return resp


def _api_error(exc):
    """An API refusal shown in the page: 404 stays 404 (another
    project's server is not found, not forbidden), others keep their
    status."""
    status = exc.status if 400 <= exc.status < 600 else 502
    return _error_response(exc.message, status)


def _http_error(exc):
    return _error_response(exc.description, exc.code)


def _internal_error(exc):
    """An unexpected failure: logged with its traceback by Flask; the
    page names the request id to look for in the log."""
    return _error_response(
        'The dashboard failed on this request (request id %s); the '
        'dashboard log has the cause.' % flask.request.environ.get(
            'openstack.request_id', '-'), 500)


def _error_response(message, status):
    """The error page, or for an htmx request the message alone, swapped
    into the page's ``#flash`` region instead of the request's target."""
    if not _is_htmx():
        return flask.render_template('error.html', message=message,
                                     status=status), status
    resp = flask.make_response(flask.render_template(
        '_error.html', message=message, status=status), status)
    resp.headers['HX-Retarget'] = '#flash'
    resp.headers['HX-Reswap'] = 'innerHTML'
    return resp


def _template_globals():
    session = flask.g.get('session')
    return {'current': session,
            'csrf_token': session.csrf_token if session else None,
            'refresh_seconds': flask.current_app.config[
                'NOVA_LITE_DASHBOARD'].refresh_seconds}


def _vendor_dir(conf):
    return os.path.join(conf.dashboard.assets_dir
                        or os.path.join(_HERE, 'assets'), 'node_modules')


def _add_vendor_route(app, conf):
    root = _vendor_dir(conf)
    missing = [name for name, parts in VENDOR_FILES.items()
               if not os.path.exists(os.path.join(root, *parts))]
    if missing:
        LOG.warning('Dashboard assets missing (%s) under %s: run '
                    'tools/fetch-dashboard-assets.sh', ', '.join(missing),
                    root)

    @app.route('/vendor/<name>', endpoint='vendor')
    def vendor(name):
        parts = VENDOR_FILES.get(name)
        if parts is None:
            flask.abort(404)
        return flask.send_from_directory(os.path.join(root, *parts[:-1]),
                                         parts[-1], max_age=3600)


def create_flask_app(conf):
    """The Flask app alone (no WSGI middleware), for tests."""
    app = flask.Flask(__name__, template_folder=os.path.join(
        _HERE, 'templates'), static_folder=os.path.join(_HERE, 'static'))
    app.config['NOVA_LITE_DASHBOARD'] = conf.dashboard
    app.config['NOVA_LITE_IDENTITY_URL'] = identity_url(conf)
    app.config['MAX_CONTENT_LENGTH'] = conf.image.max_image_size_mb * 1024 \
        * 1024 if hasattr(conf, 'image') else None
    for module in (auth, servers, keypairs, images, overview, admin,
                   activity):
        app.register_blueprint(module.bp)
    _add_vendor_route(app, conf)
    app.add_url_rule('/healthcheck', 'health', lambda: ('OK', 200, {
        'Content-Type': 'text/plain'}))
    app.add_url_rule('/favicon.ico', 'favicon', lambda: ('', 204))
    app.add_url_rule('/', 'index',
                     lambda: flask.redirect(flask.url_for('servers.index')))
    app.before_request(_load_session)
    app.after_request(_security_headers)
    app.register_error_handler(client.APIError, _api_error)
    for code in (400, 403, 404, 405, 413, 502):
        app.register_error_handler(code, _http_error)
    app.register_error_handler(500, _internal_error)
    app.context_processor(_template_globals)
    return app


def build_app(conf):
    """The dashboard's WSGI app: request ids and an access log (never a
    body or a cookie) around ``create_flask_app``."""
    return api_wsgi.RequestId(api_wsgi.AccessLog(
        create_flask_app(conf).wsgi_app))
