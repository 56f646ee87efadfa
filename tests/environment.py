"""What nova_lite's code runs on in a test process, without any service:
configuration (no file parsed), a migrated SQLite database, the
``fake://`` bus and clean caches. One fixture for the API unit tests and
the in-process engine tests.

Seeding the database (migrating, creating the network's fixed IPs) costs
most of a setUp, so a ``seed`` function's result is made once per test
process into a template file and copied for each test.
"""
import atexit
import os
import shutil
import tempfile

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture

from nova_lite import bootstrap
from nova_lite import conf as nl_conf  # noqa: F401 - registers options
from nova_lite import context as nl_context
from nova_lite.db import migration
from nova_lite.db import session as db_session
from nova_lite.network import api as network_api
from nova_lite import objects
from nova_lite import policy
from nova_lite import rpc

CONF = cfg.CONF
_TEMPLATES = {}


def bootstrap_seed(ctx):
    """The cloud ``nova-lite-manage bootstrap`` makes: default flavors, the
    flat network and an active public image ``tiny`` (1 MiB blank)."""
    bootstrap.ensure_flavors(ctx)
    bootstrap.ensure_network(ctx)
    bootstrap.ensure_image(ctx, 'tiny')


class Environment(fixtures.Fixture):
    """Configuration, database and bus for one test.

    :param overrides: {(group, option): value}; group 'DEFAULT' for the
        unnamed group
    :param seed: function(admin context) filling the new database; with
        ``template=True`` it runs once per process on a template that each
        test copies (it must then keep no files outside the database)
    :param template: copy a seeded template instead of migrating each time

    After setUp: ``conf`` (the config fixture), ``state_path``, ``admin``
    (admin context), ``network`` (the flat network dict).
    """

    def __init__(self, overrides=None, seed=bootstrap_seed, template=False):
        super().__init__()
        self.overrides = overrides or {}
        self.seed = seed
        self.template = template

    def _setUp(self):
        objects.register_all()
        self.state_path = self.useFixture(fixtures.TempDir()).path
        # Parse no file and no argument, as a service without config file
        # would (oslo.policy looks its policy file up through CONF).
        CONF([], project='nova_lite', default_config_files=[],
             default_config_dirs=[])
        self.conf = self.useFixture(config_fixture.Config(CONF))
        self.conf.config(state_path=self.state_path, transport_url='fake://')
        self.conf.config(auth_strategy='noauth', group='api')
        for (group, name), value in self.overrides.items():
            self.conf.config(**{name: value, 'group': None if group ==
                                'DEFAULT' else group})
        self._database()
        for reset in (rpc.cleanup, network_api.clear_cache, policy.reset):
            reset()
            self.addCleanup(reset)
        rpc.init()
        self.admin = nl_context.get_admin_context()
        self.network = network_api.get_default_network(self.admin)

    def _database(self):
        path = os.path.join(self.state_path, 'nova_lite.sqlite')
        if self.template:
            template = self._template_path()
            for suffix in ('', '-wal'):
                if os.path.exists(template + suffix):
                    shutil.copyfile(template + suffix, path + suffix)
        self.conf.config(connection='sqlite:///%s' % path, group='database')
        db_session.reset()
        self.addCleanup(db_session.reset)
        if not self.template:
            migration.db_sync()
            self.seed(nl_context.get_admin_context())

    def _template_path(self):
        """A migrated SQLite file seeded by ``seed``, once per process."""
        if self.seed not in _TEMPLATES:
            tmp = tempfile.mkdtemp(prefix='nova-lite-template-')
            atexit.register(shutil.rmtree, tmp, True)
            path = os.path.join(tmp, 'template.sqlite')
            self.conf.config(connection='sqlite:///%s' % path,
                             group='database')
            db_session.reset()
            migration.db_sync()
            self.seed(nl_context.get_admin_context())
            db_session.reset()
            network_api.clear_cache()
            _TEMPLATES[self.seed] = path
        return _TEMPLATES[self.seed]
