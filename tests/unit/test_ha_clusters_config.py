"""nova_lite.bench.ha_clusters without starting anything: the URLs, the
HAProxy configuration (one primary, two backups), the nova_lite.conf lines
of the clusters, node configs and the shell front's argument checks."""
import configparser
import io
import os
from unittest import mock

import fixtures
import testtools

from nova_lite.bench import ha_clusters
from nova_lite.bench import ha_nodes


class HAClustersConfigTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.base = self.useFixture(fixtures.TempDir()).path
        self.clusters = ha_clusters.HAClusters(
            os.path.join(self.base, 'ha'), api_port=8774,
            api_backends=['127.0.0.1:8784', '127.0.0.1:8785'])

    def test_urls_name_every_broker_and_haproxy(self):
        self.assertEqual(
            'rabbit://guest:guest@127.0.0.1:5701,guest:guest@127.0.0.1:5702,'
            'guest:guest@127.0.0.1:5703/', self.clusters.transport_url)
        self.assertEqual(
            'mysql+pymysql://nova_lite:nova_lite@127.0.0.1:3310/nova_lite'
            '?charset=utf8mb4', self.clusters.db_connection)

    def test_haproxy_writes_to_one_galera_node(self):
        cfg = self.clusters.haproxy().config()
        servers = [line.split() for line in cfg.splitlines()
                   if line.strip().startswith('server db')]
        self.assertEqual(['db1', 'db2', 'db3'], [s[1] for s in servers])
        self.assertEqual([False, True, True],
                         ['backup' in s for s in servers])
        self.assertIn('bind 127.0.0.1:3310', cfg)
        self.assertIn('option mysql-check user haproxy post-41', cfg)
        self.assertIn('server api2 127.0.0.1:8785 check', cfg)
        self.assertIn('bind 127.0.0.1:8774', cfg)

    def test_nova_conf_is_valid_ini_with_quorum_queues(self):
        parser = configparser.ConfigParser()
        parser.read_string(ha_clusters.nova_conf())
        rabbit = parser['oslo_messaging_rabbit']
        self.assertEqual('True', rabbit['rabbit_quorum_queue'])
        # oslo.messaging refuses stream fanout without these two.
        self.assertEqual('True', rabbit['rabbit_transient_quorum_queue'])
        self.assertGreater(int(rabbit['rabbit_qos_prefetch_count']), 0)
        self.assertEqual('-1', parser['database']['max_retries'])

    def test_galera_node_config(self):
        db = self.clusters.db(1)
        cnf = db._cnf()
        self.assertIn('port = 3312', cnf)
        self.assertIn('wsrep_cluster_address = gcomm://127.0.0.1:4571,'
                      '127.0.0.1:4572,127.0.0.1:4573', cnf)
        self.assertIn('gmcast.listen_addr=tcp://127.0.0.1:4572', cnf)
        self.assertIn('wsrep_sst_receive_address = 127.0.0.1:4592', cnf)
        self.assertEqual('nl-db2', db.name)

    def test_auto_ports_and_names_are_private(self):
        other = ha_clusters.HAClusters(os.path.join(self.base, 'x'),
                                       ports='auto')
        self.assertNotIn(5701, other.ports['rabbit'])
        self.assertRegex(other.broker(0).name,
                         r'^nl-rabbit1-[0-9a-f]{8}@localhost$')

    def test_state_is_read_back(self):
        os.makedirs(self.clusters.base_dir)
        self.clusters.cookie = 'COOKIE'
        self.clusters.pids = {'db1': 12345}
        self.clusters._save()
        again = ha_clusters.HAClusters(self.clusters.base_dir)
        self.assertEqual(({'db1': 12345}, 'COOKIE', ['127.0.0.1:8784',
                                                     '127.0.0.1:8785']),
                         (again.pids, again.cookie, again.api_backends))

    def test_cli_rejects_an_unknown_node(self):
        err = io.StringIO()
        with mock.patch('sys.stderr', err):
            rc = ha_clusters.main(['--base-dir', self.base, 'kill', 'db4'])
        self.assertEqual(1, rc)
        self.assertIn("NODE must be rabbit1-3 or db1-3, not 'db4'",
                      err.getvalue())

    def test_alive_is_false_for_a_gone_process(self):
        self.assertFalse(ha_nodes.alive(None))
        self.assertTrue(ha_nodes.alive(os.getpid()))
