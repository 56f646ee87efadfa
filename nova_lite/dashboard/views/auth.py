"""Sign-in and sign-out (``/auth``).

The sign-in form is protected against login CSRF by a double-submit
value (a random cookie that the form repeats); a successful sign-in
stores a session (``sessions.create``) and sets its cookie. Sign-out
(a POST with the session's CSRF token) revokes the token in Keystone
and deletes the session: the old cookie then opens nothing.
"""
import hmac
import secrets
import time

import flask

from nova_lite.dashboard import keystone
from nova_lite.dashboard import sessions

bp = flask.Blueprint('auth', __name__, url_prefix='/auth')

#: Cookie of the sign-in form's double-submit CSRF value.
LOGIN_CSRF_COOKIE = 'nova_lite_signin'


def _opts():
    return flask.current_app.config['NOVA_LITE_DASHBOARD']


def _cookie_flags():
    return {'secure': _opts().secure_cookies, 'httponly': True,
            'samesite': 'Lax', 'path': '/'}


def _safe_next(value):
    """A local path to return to after sign-in (never another site)."""
    if value and value.startswith('/') and not value.startswith('//') \
            and '\\' not in value and not value.startswith('/auth/'):
        return value
    return flask.url_for('servers.index')


def _form(error=None, status=200, username='', project=''):
    # One value per browser until it signs in: another tab's (or a
    # redirected asset's) load of this form must not void the first.
    token = flask.request.cookies.get(LOGIN_CSRF_COOKIE) \
        or secrets.token_urlsafe(32)
    resp = flask.make_response(flask.render_template(
        'login.html', error=error, login_csrf=token, username=username,
        project=project, next=flask.request.values.get('next', '')), status)
    resp.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600,
                    **_cookie_flags())
    return resp


class _Identity:
    """The [dashboard] options and the Keystone URL, as keystone wants
    them."""

    def __init__(self):
        opts = _opts()
        self.auth_url = flask.current_app.config['NOVA_LITE_IDENTITY_URL']
        for name in ('user_domain_name', 'project_domain_name',
                     'interface', 'region_name', 'request_timeout'):
            setattr(self, name, getattr(opts, name))


@bp.route('/login', methods=['GET', 'POST'])
def login():
    """GET: the sign-in form. POST: user, password, project → a session
    (303 to ``next``), or the form again with Keystone's answer (401)."""
    if flask.request.method == 'GET':
        return _form()
    form = flask.request.form
    sent = form.get('login_csrf', '')
    expected = flask.request.cookies.get(LOGIN_CSRF_COOKIE, '')
    if not expected or not hmac.compare_digest(sent.encode(),
                                               expected.encode()):
        flask.abort(403, 'The sign-in form has expired: load it again.')
    username = form.get('username', '').strip()
    project = form.get('project', '').strip()
    password = form.get('password', '')
    if not username or not password or not project:
        return _form('User name, password and project are required.', 400,
                     username, project)
    try:
        login = keystone.sign_in(_Identity(), username, password, project)
    except keystone.SignInFailed as exc:
        return _form(str(exc), 401, username, project)
    except keystone.IdentityUnavailable as exc:
        return _form(str(exc), 503, username, project)
    opts = _opts()
    session = sessions.create(login, opts.session_idle_timeout,
                              opts.max_sessions, time.time())
    resp = flask.redirect(_safe_next(form.get('next')), 303)
    resp.set_cookie(sessions.COOKIE, session.session_id,
                    **_cookie_flags())
    resp.delete_cookie(LOGIN_CSRF_COOKIE, path='/')
    return resp


@bp.route('/logout', methods=['POST'])
def logout():
    """End the session: revoke its token, delete it, clear the cookie."""
    session = flask.g.session
    keystone.sign_out(_Identity(), session.token)
    sessions.end(session.session_id)
    resp = flask.redirect(flask.url_for('auth.login'), 303)
    resp.delete_cookie(sessions.COOKIE, path='/')
    return resp
