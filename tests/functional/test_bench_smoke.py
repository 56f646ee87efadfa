"""Issue 6 acceptance 3: ``tools/bench_boot.py`` runs end to end at a small
size (10 fake hosts, 50 servers) on RabbitMQ + MariaDB and writes its
figures as JSON. Only the presence and sanity of the figures are checked,
never their speed (benchmarks measure; tests do not time)."""
import json
import os
import subprocess
import sys

import fixtures
import testtools

from tests.functional.fixtures import processes

HOSTS, SERVERS = 10, 50
DETAIL_ROWS = ('200', '1000')
SERVICES = ('nova-lite-api-controller', 'nova-lite-conductor-controller',
            'nova-lite-scheduler-controller', 'nova-lite-compute-fake-1')


class BenchSmokeTest(testtools.TestCase):

    def run_bench(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(tmp, 'bench.json')
        result = subprocess.run(
            [sys.executable, os.path.join(processes.REPO_ROOT, 'tools',
                                          'bench_boot.py'),
             '--hosts', str(HOSTS), '--servers', str(SERVERS),
             '--clients', '4', '--db', 'mysql', '--json', path,
             '--detail-rows', ','.join(DETAIL_ROWS)],
            capture_output=True, text=True, timeout=1200,
            env=processes.process_env())
        self.addDetail('bench-output', testtools.content.text_content(
            result.stdout + result.stderr))
        self.assertEqual(0, result.returncode, result.stderr[-3000:])
        self.assertIn('SQL/boot', result.stdout)
        with open(path) as stream:
            return json.load(stream)

    def assertPositive(self, value, name, upper):
        self.assertIsInstance(value, (int, float), name)
        self.assertGreater(value, 0, name)
        self.assertLess(value, upper, name)

    def test_small_run_writes_sane_figures(self):
        figures = self.run_bench()
        self.assertEqual({'hosts': HOSTS, 'servers': SERVERS, 'clients': 4,
                          'db': 'mysql', 'schedulers': 1, 'conductors': 1,
                          'batch': SERVERS,
                          'metrics': False, 'notifications': 'versioned',
                          'cloudstack_events': False,
                          'security_group': 'default', 'clusters': False},
                         figures['config'])
        for name in ('servers_per_s', 'create_to_active_s', 'post_p50_ms',
                     'post_p99_ms', 'delete_s'):
            self.assertPositive(figures[name], name, 10 ** 6)
        self.assertGreaterEqual(figures['post_p99_ms'],
                                figures['post_p50_ms'])
        self.assertPositive(figures['sql_per_boot'], 'sql_per_boot', 500)
        self.assertPositive(figures['cpu_s_per_boot'], 'cpu_s_per_boot', 60)
        self.assertEqual(set(SERVICES), set(figures['rss_mb']))
        for service, rss in figures['rss_mb'].items():
            self.assertPositive(rss, service, 8192)
        self.assertEqual(set(DETAIL_ROWS), set(figures['detail_p50_ms']))
        for rows, p50 in figures['detail_p50_ms'].items():
            self.assertPositive(p50, 'detail %s' % rows, 10 ** 6)
        for phase in ('single', 'multi'):
            self.assertEqual({'active': SERVERS},
                             figures['phases'][phase]['states'], phase)
        self.assertEqual(SERVERS, figures['phases']['delete']['servers'])
        self.assertEqual(set(SERVICES), set(
            figures['phases']['single']['by_service']))
