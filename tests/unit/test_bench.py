"""The benchmark's helpers (``nova_lite.bench``): fillers shaped like
booted servers, the per-phase counters and timings, the growth table,
and ``tools/bench_boot.py``'s sizes."""
import importlib.util
import json
import os
import time

import fixtures
import sqlalchemy as sa
import testtools

from nova_lite.bench import fillers
from nova_lite.bench import growth
from nova_lite.bench import meter
from nova_lite.db import instances as instance_db
from nova_lite.db import models
from nova_lite.db import session as db_session
from nova_lite.network import api as network_api
from tests.unit.scheduler import fakes

TOOL = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'tools', 'bench_boot.py')


def bench_tool():
    spec = importlib.util.spec_from_file_location('bench_boot', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FillersTest(testtools.TestCase):

    def test_fillers_look_like_booted_servers(self):
        db = self.useFixture(fakes.Database())
        engine = db_session.context_manager().writer.get_engine()
        self.assertEqual(5, fillers.fill(engine, 'demo', 5, ['h1', 'h2']))
        self.assertEqual(3, fillers.fill(engine, 'demo', 8, ['h1', 'h2']))
        self.assertEqual(0, fillers.fill(engine, 'demo', 8, ['h1']))
        ctxt = db.admin
        listed = instance_db.instance_get_all(ctxt, {'project_id': 'demo'},
                                              project_only=False)
        self.assertEqual(8, len(listed))
        self.assertEqual({'h1', 'h2'}, {i.host for i in listed})
        addresses = {ip.address for i in listed for ip in i.fixed_ips}
        self.assertEqual(8, len(addresses))
        self.assertTrue(all(a.startswith('10.1') for a in addresses))
        self.assertEqual({'fillers'}, {ip.network_label for i in listed
                                       for ip in i.fixed_ips})
        info = network_api.get_instance_nw_info(ctxt, listed[0].uuid)
        self.assertEqual(1, len(info))
        with engine.connect() as conn:
            ports = conn.execute(sa.select(
                models.Port.device_id, models.Port.mac_address)).all()
            members = conn.execute(sa.select(sa.func.count()).select_from(
                models.InstanceSecurityGroup)).scalar()
        self.assertEqual(8, len({mac for _device, mac in ports}))
        self.assertEqual({i.uuid for i in listed},
                         {device for device, _mac in ports})
        self.assertEqual(8, members)


class MeterTest(testtools.TestCase):

    def write(self, directory, name, **values):
        data = dict({'name': name, 'sql_statements': 0, 'cpu_s': 0.0,
                     'rss_mb': 1.0, 'timings_ms': {}}, **values)
        with open(os.path.join(directory, '%s-1.json' % name), 'w') as out:
            json.dump(data, out)

    def test_deltas_net_of_idle_and_timings_of_the_phase(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        self.write(tmp, 'sched', sql_statements=10, cpu_s=1.0,
                   timings_ms={'select_destinations': [1.0, 2.0]})
        before = meter.read_stats(tmp)
        time.sleep(0.01)
        self.write(tmp, 'sched', sql_statements=40, cpu_s=3.0,
                   timings_ms={'select_destinations': [1.0, 2.0, 5.0,
                                                       7.0]})
        after = meter.read_stats(tmp)
        counter = meter.Meter(tmp, 1)
        counter.idle = {'sched': {'sql_statements': 0, 'cpu_s': 0}}
        delta = counter.delta(before, after, 10)['sched']
        self.assertEqual((3.0, 0.2), (delta['sql'], round(delta['cpu_s'],
                                                          3)))
        self.assertEqual([5.0, 7.0], meter.Meter.timings(
            before, after, 'select_destinations'))
        self.assertEqual(7.0, meter.percentile([5.0, 7.0, 1.0], 0.99))
        self.assertIsNone(meter.percentile([], 0.5))


def _result(hosts, servers, rate, detail):
    service = {'sql': 1.0, 'cpu_s': 0.002, 'sql_gross': 1.0,
               'cpu_s_gross': 0.002}
    single = {'servers_per_s': rate, 'post_p50_ms': 10, 'post_p99_ms': 20,
              'select_p50_ms': 2.0, 'select_p99_ms': 4.0,
              'sql_per_boot': 4.0, 'cpu_s_per_boot': 0.008,
              'by_service': {'nova-lite-api-controller': service,
                             'nova-lite-compute-fake-1': service}}
    return {'config': {'hosts': hosts, 'servers': servers},
            'phases': {'single': single, 'multi': {'servers_per_s': rate}},
            'rss_mb': {'nova-lite-compute-fake-1': 100.0},
            'idle_cores': {'nova-lite-compute-fake-1': 0.1},
            'start_s': 5.0, 'detail_p50_ms': detail}


class GrowthTest(testtools.TestCase):

    def test_one_column_per_size_and_the_ratio(self):
        lines = growth.table([_result(100, 1000, 50.0, {'1000': 60.0}),
                              _result(1000, 10000, 40.0,
                                      {'1000': 60.0, '100000': 90.0})])
        self.assertIn('100x1000', lines[0])
        self.assertIn('1000x10000', lines[0])
        rate = [line for line in lines if line.startswith('servers/s, si')]
        self.assertTrue(rate[0].rstrip().endswith('x0.80'), rate)
        rows = [line for line in lines if '100000 rows' in line]
        self.assertIn('-', rows[0].split())
        compute = [line for line in lines if 'CPU ms per boot, compute'
                   in line]
        self.assertTrue(compute[0].rstrip().endswith('x1.00'), compute)

    def test_a_size_without_the_multi_phase(self):
        large = _result(1000, 10000, 40.0, {'1000': 60.0})
        del large['phases']['multi']
        lines = growth.table([_result(100, 1000, 50.0, {'1000': 60.0}),
                              large])
        multi = [line for line in lines if line.startswith('servers/s, mu')]
        self.assertEqual(['servers/s,', 'multi-create', '50.0', '-', '-'],
                         multi[0].split())


class SizesTest(testtools.TestCase):

    def test_sizes_are_hosts_by_servers(self):
        tool = bench_tool()
        self.assertEqual([(100, 1000), (1000, 10000)],
                         tool.parse_sizes('100x1000, 1000X10000'))
        for bad in ('100', 'x10', '0x10', '10x-1', 'ax1'):
            self.assertRaises(ValueError, tool.parse_sizes, bad)
        args = tool.parse_args(['--sizes', '10x20', '--detail-rows',
                                '1000,100000'])
        self.assertEqual([(10, 20)], args.sizes)
        self.assertEqual([1000, 100000], args.detail_rows)

    def test_clusters_only_on_mysql(self):
        tool = bench_tool()
        self.assertTrue(tool.parse_args(['--clusters']).clusters)
        self.assertFalse(tool.parse_args([]).clusters)
        stderr = self.useFixture(fixtures.StringStream('stderr'))
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr.stream))
        error = self.assertRaises(SystemExit, tool.parse_args,
                                  ['--clusters', '--db', 'postgresql'])
        self.assertEqual(2, error.code)
        self.assertIn('--db mysql', stderr.getDetails()['stderr'].as_text())
