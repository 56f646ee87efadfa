"""Issue 23, the chaos test: a burst of boots from 8 client threads
(real HTTP, Keystone tokens, fake driver) while, one at a time, an API
worker process, a conductor and a scheduler are killed with SIGKILL and
restarted (``nova_lite.bench.chaos``); afterwards every server is ACTIVE
or ERROR with a fault, none is left in BUILD, every reservation holds
exactly its count (a client's retry after a lost answer included), no
claim or fixed IP leaked, and the figures of each fault are printed.

The control plane runs three API workers, two conductors and two
schedulers. When the HA clusters fixture is there
(``tests.functional.fixtures.ha_clusters``, with its programs
installed), the stack runs on the three-node RabbitMQ and Galera
clusters, and a broker node and a database node are killed too. The
lab-sized run (300 boots) is ``tools/chaos_boot.py``; doc/ha.md has its
figures.
"""
import sys

import testtools
from testtools import content

from nova_lite.bench import chaos
from nova_lite.bench import chaos_checks
from nova_lite.bench import client as compute_client
from tests.functional.fixtures import processes

try:
    from tests.functional.fixtures import ha_clusters
except ImportError:             # the clusters are not part of this tree
    ha_clusters = None

#: Servers asked for in CI (the lab tool asks 300).
INSTANCES = 100
CLIENTS = 8
#: Seconds of burst per fault (the requests are paced so that every kill
#: falls inside the burst).
SECONDS_PER_FAULT = 8

CONF = chaos.STACK_CONF


def clusters_usable():
    """Whether the HA clusters fixture exists and can start here."""
    return ha_clusters is not None and not ha_clusters.missing_programs()


class TestChaos(testtools.TestCase):

    def setUp(self):
        super().setUp()
        options, kwargs, self.clusters = dict(CONF), {}, None
        if clusters_usable():
            self.clusters = self.useFixture(
                ha_clusters.HAClustersFixture()).clusters
            from nova_lite.bench import ha_clusters as cluster_options
            kwargs, extra = chaos.cluster_stack_args(self.clusters,
                                                     cluster_options)
            options.update(extra)
        self.stack = self.useFixture(processes.MultiProcessStack(
            'mysql', hosts=('node1', 'node2'), keystone=True,
            api_workers=3, conductors=2, schedulers=2, conf=options,
            metrics=True, **kwargs))
        self.addOnException(self._attach_logs)
        self.token = self.stack.token('demo')
        self.image = self.client().image_id('tiny')

    def client(self):
        return compute_client.ComputeClient(self.stack.api_url,
                                            token=self.token)

    def _attach_logs(self, _exc_info):
        for name, proc in self.stack.processes.items():
            self.addDetail('log-at-failure-%s' % name,
                           content.text_content(proc.log_tail(150)))

    def faults(self):
        faults = chaos.controller_faults()
        if self.clusters is not None:
            faults += chaos.cluster_faults(self.clusters)
        return faults

    def test_burst_through_kills(self):
        faults = self.faults()
        run = chaos.ChaosRun(
            self.stack, self.client, self.image, faults,
            instances=INSTANCES, clients=CLIENTS,
            rate=chaos.paced_rate(INSTANCES, len(faults), SECONDS_PER_FAULT))
        report = run.run(settle_timeout=CONF[('conductor',
                                              'build_timeout')] + 30)
        text = report.render()
        print(text, file=sys.stderr)
        self.addDetail('chaos-report', content.text_content(text))
        self.assertEqual([], chaos_checks.check(self.stack, report))
        self.assertEqual([f.name for f in faults],
                         [f.name for f in report.faults])
        for record in report.faults:
            self.assertIsNotNone(record.back_after, record.render())
            self.assertIsNotNone(record.settled_after, record.render())
        # Both conductors and both schedulers took part: the killed one
        # before its kill, the other one over the run.
        for service in ('conductor', 'scheduler'):
            killed = next(f for f in report.faults if f.name == service)
            self.assertGreater(killed.work_before_kill, 0, killed.render())
            self.assertGreater(chaos.work_done(
                self.stack, service + '-2', service), 0, service + '-2')
        # The cloud works again.
        resp = self.client().create_server(name='after-chaos',
                                           image=self.image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        self.assertEqual('ACTIVE', self.client().wait_for_servers(
            [server_id], timeout=60)[server_id]['status'])
