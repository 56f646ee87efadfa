"""nova-lite-manage ``service check`` and ``service list`` use
nova_lite.servicegroup's rule: a forced down service is down whatever
its heartbeat, as os-services says."""
import io
import types

import fixtures
import testtools

from nova_lite.cmd import manage
from nova_lite.db import services as service_db
from nova_lite import exception
from nova_lite import servicegroup
from tests.unit.scheduler import fakes


class ServiceCommandsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.db.add_host('node1')
        self.db.add_host('node2')
        forced = service_db.service_get_all(self.db.admin, host='node2')[0]
        service_db.service_update(self.db.admin, forced['id'],
                                  {'forced_down': True})
        self.stdout = self.useFixture(fixtures.MonkeyPatch(
            'sys.stdout', io.StringIO())).new_value

    def command(self, **args):
        """``manage.CONF`` with ``CONF.command`` holding ``args`` (what
        oslo.config's sub-command parser would set)."""
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.cmd.manage.CONF', types.SimpleNamespace(
                host='controller', command=types.SimpleNamespace(**args))))

    def test_check_up_service(self):
        self.command(binary=servicegroup.COMPUTE, service_host='node1')
        manage.service_check()
        self.assertIn('nova-lite-compute on node1: up',
                      self.stdout.getvalue())

    def test_check_forced_down_service_is_down(self):
        self.command(binary=servicegroup.COMPUTE, service_host='node2')
        exc = self.assertRaises(exception.ServiceNotFound,
                                manage.service_check)
        self.assertIn('forced down', exc.format_message())
        self.assertNotIn('up', self.stdout.getvalue())

    def test_list_shows_forced_down_service_down(self):
        self.command()
        manage.service_list()
        states = {line.split()[2]: line.split()[4]
                  for line in self.stdout.getvalue().splitlines()[1:]}
        self.assertEqual({'node1': 'up', 'node2': 'down'}, states)
