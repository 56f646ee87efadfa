"""A dashboard under test: the real Flask app and session store (on a
migrated SQLite database), a signed-in user, and a fake API client that
answers canned bodies and records every call."""
import time

import fixtures
import testtools

from nova_lite.dashboard import app as dashboard_app
from nova_lite.dashboard import client
from nova_lite.dashboard import keystone
from nova_lite.dashboard import sessions
from tests.unit.scheduler import fakes


class FakeAPI:
    """Stands in for ``client.APIClient``: ``answers[(method, service,
    path)]`` is a body to return or an ``APIError`` to raise; ``calls``
    lists ``(method, service, path, body)``."""

    def __init__(self):
        self.answers = {}
        self.calls = []
        self.services = {'compute', 'image'}

    def answer(self, method, service, path, value):
        self.answers[(method, service, path)] = value

    def request(self, method, service, path, body=None, data=None,
                headers=None):
        self.calls.append((method, service, path, body))
        value = self.answers.get((method, service, path))
        if isinstance(value, client.APIError):
            raise value
        if value is None and method == 'GET':
            raise client.APIError(404, 'Nothing at %s %s' % (service, path))
        return value

    def compute(self, method, path, body=None):
        return self.request(method, 'compute', path, body=body)

    def image(self, method, path, body=None, data=None, headers=None):
        return self.request(method, 'image', path, body=body, data=data,
                            headers=headers)

    def has(self, service):
        return service in self.services


class DashboardTestCase(testtools.TestCase):
    """``self.client`` is a Flask test client of the dashboard;
    ``sign_in(roles)`` gives it a live session; ``self.api`` is the
    FakeAPI every request uses."""

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.db.conf.config(auth_url='http://keystone.test/v3',
                            secure_cookies=False, group='dashboard')
        self.api = FakeAPI()
        self.useFixture(fixtures.MockPatchObject(
            client, 'APIClient', lambda *args, **kwargs: self.api))
        self.app = dashboard_app.create_flask_app(self.db.conf.conf)
        self.client = self.app.test_client()
        self.session = None

    def sign_in(self, roles=('member', 'reader'), user='demo'):
        """A session of ``user`` with ``roles`` in project ``p-1``; its
        cookie is set on ``self.client``."""
        login = keystone.Login(
            token='secret-token-%s' % user, expires_at=time.time() + 3600,
            user_id='u-' + user, user_name=user, project_id='p-1',
            project_name=user, roles=list(roles),
            endpoints={'compute': 'http://api.test/v2.1',
                       'image': 'http://api.test/image'})
        self.session = sessions.create(login, 3600, 100, time.time())
        self.client.set_cookie(sessions.COOKIE, self.session.session_id)
        return self.session

    def post(self, path, data=None, csrf=True, htmx=False):
        """POST a form; with the session's CSRF token unless ``csrf`` is
        False."""
        data = dict(data or {})
        if csrf and self.session is not None:
            data['csrf_token'] = self.session.csrf_token
        headers = {'HX-Request': 'true'} if htmx else {}
        return self.client.post(path, data=data, headers=headers)
