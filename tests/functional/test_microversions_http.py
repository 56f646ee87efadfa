"""The compute API microversions after 2.36 seen by a client over real
HTTP (nova-lite-all on SQLite, the fake driver): servers without any
network and with the flat network (2.37) become ACTIVE, their bodies at
the advertised maximum carry the embedded flavor (2.47), tags given at
create (2.52), server groups (2.71), the lock reason (2.73) and the
topology (2.78), the hostname asked for (2.90, 2.94: also the guest's,
in its console), the pinned zone (2.96) and the scheduler hints
(2.100); unknown query parameters are a 400 (2.75)."""
import testtools

from nova_lite.api import microversion
from nova_lite.bench import client as compute_client
from tests.functional.fixtures import processes


class MicroversionsOverHTTPTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(processes.MultiProcessStack(
            'sqlite', hosts=('node1',), all_in_one=True))
        self.client = compute_client.ComputeClient(self.stack.api_url)
        self.image = self.client.image_id('tiny')
        self.client.session.headers['OpenStack-API-Version'] = 'compute latest'

    def _create(self, name, **extra):
        resp = self.client.create_server(name=name, image=self.image,
                                         **extra)
        self.assertEqual(202, resp.status_code, resp.text)
        self.assertEqual('compute %s' % str(microversion.MAX_VERSION),
                         resp.headers['OpenStack-API-Version'])
        return resp.json()['server']['id']

    def test_latest_over_http(self):
        group = self.client.request('POST', '/os-server-groups', json={
            'server_group': {'name': 'g', 'policy': 'anti-affinity',
                             'rules': {'max_server_per_host': 2}}})
        self.assertEqual(200, group.status_code, group.text)
        group_id = group.json()['server_group']['id']
        resp = self.client.create_server(name='bare', image=self.image)
        self.assertEqual(400, resp.status_code, resp.text)
        self.assertIn('networks', resp.text)
        bare = self._create('bare', networks='none', tags=['edge'],
                            hostname='edge-1.example.org')
        wired = self.client.request('POST', '/servers', json={
            'server': {'name': 'wired', 'imageRef': self.image,
                       'flavorRef': '1', 'networks': 'auto'},
            'os:scheduler_hints': {'group': group_id}})
        self.assertEqual(202, wired.status_code, wired.text)
        wired = wired.json()['server']['id']
        servers = self.client.wait_for_servers([bare, wired])
        self.assertEqual({'ACTIVE'}, {s['status'] for s in servers.values()})
        self.assertEqual({}, servers[bare]['addresses'])
        self.assertEqual(1, len(servers[wired]['addresses']['private']))
        self.assertEqual(['edge'], servers[bare]['tags'])
        flavor = servers[bare]['flavor']
        self.assertEqual(('m1.tiny', 0), (flavor['original_name'],
                                          flavor['swap']))
        shown = self.client.get_server(wired).json()['server']
        self.assertEqual([group_id], shown['server_groups'])
        self.assertEqual(({'group': [group_id]}, None, 'wired'), (
            shown['scheduler_hints'], shown['pinned_availability_zone'],
            shown['OS-EXT-SRV-ATTR:hostname']))
        self.assertEqual('edge-1.example.org',
                         servers[bare]['OS-EXT-SRV-ATTR:hostname'])
        console = self.client.request(
            'POST', '/servers/%s/action' % bare,
            json={'os-getConsoleOutput': {}})
        self.assertIn('NOVA_LITE_GUEST_UP edge-1.example.org',
                      console.json()['output'])
        action = self.client.request('POST', '/servers/%s/action' % wired,
                                     json={'lock': {'locked_reason': 'x'}})
        self.assertEqual(202, action.status_code, action.text)
        shown = self.client.get_server(wired).json()['server']
        self.assertEqual((True, 'x'), (shown['locked'],
                                       shown['locked_reason']))
        locked = self.client.list_servers(locked='true')
        self.assertEqual([wired], [s['id'] for s in locked])
        topology = self.client.request('GET', '/servers/%s/topology' % bare)
        self.assertEqual({'nodes': [], 'pagesize_kb': None},
                         topology.json())
        bogus = self.client.request('GET', '/servers', params={'bogus': 1})
        self.assertEqual(400, bogus.status_code, bogus.text)
        self.client.request('POST', '/servers/%s/action' % wired,
                            json={'unlock': None})
        for server_id in (bare, wired):
            self.assertEqual(204, self.client.delete_server(
                server_id).status_code)
        self.client.wait_for_deleted([bare, wired])
        self.assertEqual([], self.stack.allocated_fixed_ips())
