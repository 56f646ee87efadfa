"""The API's whole WSGI pipeline in this process, for profiling.

``InProcessAPI`` parses no config file, points ``[database] connection``
at a fresh database (``nova_lite.bench.backends.Database``), migrates and
bootstraps it (the default flavors, the flat network, an active public
image ``tiny``), puts RPC on the ``fake://`` bus (build casts go nowhere)
and wraps ``nova_lite.api.wsgi.build_app()`` (noauth) in a werkzeug test
client. Requests carry noauth identity headers.
"""
import json

from oslo_config import cfg
from werkzeug import test as werkzeug_test

from nova_lite.api import wsgi
from nova_lite.bench import backends
from nova_lite.bench import Resource
from nova_lite import bootstrap
from nova_lite import context as nl_context
from nova_lite.db import migration
from nova_lite import rpc

CONF = cfg.CONF
PROJECT = 'bench-project'
USER = 'bench-user'
MEMBER = {'X-User-Id': USER, 'X-Project-Id': PROJECT, 'X-Roles': 'member'}
ADMIN = {'X-User-Id': 'admin', 'X-Project-Id': 'admin-project',
         'X-Roles': 'admin,member,reader'}


class InProcessAPI(Resource):
    """The API app over a fresh ``backend`` database ('sqlite', 'mysql' or
    'postgresql'); after ``start()``: ``database`` (its ``url``),
    ``image_id`` (the ``tiny`` image) and ``request()``."""

    def __init__(self, backend='sqlite'):
        super().__init__()
        self.backend = backend

    def _override(self, name, value, group=None):
        CONF.set_override(name, value, group)
        self.addCleanup(CONF.clear_override, name, group)

    def _start(self):
        state = self.use(backends.TempDir()).path
        self.database = self.use(backends.Database(self.backend, state))
        CONF([], project='nova_lite', default_config_files=[],
             default_config_dirs=[])
        self.addCleanup(CONF.reset)
        self._override('state_path', state)
        self._override('transport_url', 'fake://')
        self._override('auth_strategy', 'noauth', 'api')
        self._override('connection', self.database.url, 'database')
        migration.db_sync()
        rpc.init()
        self.addCleanup(rpc.cleanup)
        ctx = nl_context.get_admin_context()
        bootstrap.ensure_flavors(ctx)
        bootstrap.ensure_network(ctx)
        self.image_id = bootstrap.ensure_image(ctx, 'tiny')['uuid']
        self.client = werkzeug_test.Client(wsgi.build_app(CONF))

    def set_option(self, name, value, group=None):
        """Override one option until cleanup (e.g. ``max_pending_builds``
        in ``api``)."""
        self._override(name, value, group)

    def request(self, method, path, body=None, headers=None):
        """Send ``body`` as JSON with ``headers`` (default: a member of
        ``PROJECT``); returns the werkzeug response."""
        headers = dict(MEMBER if headers is None else headers)
        data = None
        if body is not None:
            data = json.dumps(body)
            headers['Content-Type'] = 'application/json'
        return self.client.open(path, method=method, data=data,
                                headers=headers)
