"""The admin pages: hosts with capacity bars, badges and their servers
(and the polled table alone), zones and aggregates, servers in ERROR
with the per-filter reasons of NoValidHost faults, and the compute
API's 403 shown as is."""
import html
import html.parser
import json

import testtools

from nova_lite.dashboard import client
from nova_lite.dashboard.views import admin
from tests.unit.dashboard import base

HYPERVISORS = '/os-hypervisors/detail?with_servers=true'
ZONES = '/os-availability-zone/detail'
ERRORS = '/servers/detail?all_tenants=1&status=ERROR&limit=200'
UUID1 = '9e5d4a3c-0000-4000-8000-000000000001'
UUID2 = '9e5d4a3c-0000-4000-8000-000000000002'
UUID3 = '9e5d4a3c-0000-4000-8000-000000000003'
DENIED = ("Policy doesn't allow os_compute_api:os-hypervisors:list-detail "
          "to be performed.")


def hypervisor(uuid, name, state='up', status='enabled', servers=None,
               reason=None, **figures):
    body = {'id': uuid, 'hypervisor_hostname': name, 'state': state,
            'status': status, 'vcpus': 8, 'vcpus_used': 0,
            'memory_mb': 8192, 'memory_mb_used': 0, 'local_gb': 100,
            'local_gb_used': 0, 'running_vms': 0,
            'service': {'host': name, 'id': 'svc-' + uuid,
                        'disabled_reason': reason}}
    body.update(figures)
    if servers:
        body['servers'] = [{'name': n, 'uuid': u} for n, u in servers]
    return body


def host_services(up=True, enabled=True):
    return {'nova-compute': {'available': up, 'active': enabled,
                             'updated_at': '2024-05-01T10:00:00.000000'}}


NODES = {'hypervisors': [
    hypervisor(UUID1, 'node1', vcpus_used=3, memory_mb_used=1024,
               local_gb_used=20, running_vms=2,
               servers=[('web-2', 's-2'), ('web-1', 's-1')]),
    hypervisor(UUID2, 'node2', state='down', vcpus_used=1,
               memory_mb_used=512, running_vms=1,
               servers=[('db-1', 's-3')]),
    hypervisor(UUID3, 'node3', status='disabled', reason='maintenance',
               vcpus=4),
]}
ZONE_INFO = {'availabilityZoneInfo': [
    {'zoneName': 'internal', 'zoneState': {'available': True},
     'hosts': {'ctl': {'nova-scheduler': {
         'available': True, 'active': True, 'updated_at': None}}}},
    {'zoneName': 'az1', 'zoneState': {'available': True},
     'hosts': {'node1': host_services(), 'node2': host_services(up=False)}},
    {'zoneName': 'az2', 'zoneState': {'available': False},
     'hosts': {'node3': host_services(enabled=False)}},
    {'zoneName': 'empty', 'zoneState': {'available': False},
     'hosts': None},
]}
AGGREGATES = {'aggregates': [
    {'id': 2, 'name': 'ssd', 'availability_zone': None,
     'hosts': ['node3', 'node1'], 'metadata': {'disk': 'ssd'}},
    {'id': 1, 'name': 'agg-az1', 'availability_zone': 'az1',
     'hosts': ['node1', 'node2'],
     'metadata': {'availability_zone': 'az1'}},
]}
NVH = ('No valid host was found. ComputeFilter rejected 1 of 3 hosts '
       '(compute service down); RamFilter rejected 2 of 3 hosts '
       '(insufficient RAM: needs 4096 MiB, 512 MiB free)')
PLANNER_NVH = (
    'No valid host was found. FirstFitPlanner: no cluster of the zone has '
    'a host with room (zone nova: pods rack1; pod rack1: clusters c1; '
    'cluster c1: node1 (RamFilter), node2 (CoreFilter)). RamFilter '
    'rejected 1 of 2 hosts (insufficient RAM: needs 4096 MiB, 0 MiB '
    'free); CoreFilter rejected 1 of 2 hosts (insufficient vCPUs: needs '
    '4, 0 free)')


def error_server(uuid, name, message, created, details=None, code=500):
    fault = {'code': code, 'message': message, 'created': created}
    if details is not None:
        fault['details'] = details
    return {'id': uuid, 'name': name, 'status': 'ERROR',
            'tenant_id': 'p-' + name, 'user_id': 'u-1',
            'OS-EXT-SRV-ATTR:host': None, 'fault': fault,
            'updated': created}


class Page(html.parser.HTMLParser):
    """The start tags of a page (``tags``: (tag, attrs)), the rows of
    its tables by ``data-host`` with the links inside them, and its
    text."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.links, self.texts = [], {}, []
        self._row = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == 'tr':
            self._row = attrs.get('data-host')
        elif tag == 'a' and self._row:
            self.links.setdefault(self._row, []).append(attrs['href'])

    def handle_endtag(self, tag):
        if tag == 'tr':
            self._row = None

    def handle_data(self, data):
        self.texts.append(data)

    @property
    def text(self):
        return ' '.join(' '.join(self.texts).split())

    def find(self, tag, **attrs):
        """Attributes of the ``tag`` elements having ``attrs`` (names
        with ``_`` for ``-``)."""
        wanted = {k.replace('_', '-'): v for k, v in attrs.items()}
        return [a for t, a in self.tags if t == tag and all(
            a.get(k) == v for k, v in wanted.items())]

    def one(self, tag, **attrs):
        found = self.find(tag, **attrs)
        assert len(found) == 1, (tag, attrs, found)
        return found[0]


class AdminTestCase(base.DashboardTestCase):

    def setUp(self):
        super().setUp()
        self.sign_in(roles=('admin', 'member', 'reader'), user='admin')

    def get_page(self, path, status=200, htmx=False):
        headers = {'HX-Request': 'true'} if htmx else {}
        resp = self.client.get(path, headers=headers)
        self.assertEqual(status, resp.status_code, resp.data[:2000])
        return resp, Page(resp.get_data(as_text=True))


class HostsTest(AdminTestCase):

    def setUp(self):
        super().setUp()
        self.api.answer('GET', 'compute', HYPERVISORS, NODES)
        self.api.answer('GET', 'compute', ZONES, ZONE_INFO)

    def test_bars_show_used_of_capacity(self):
        _resp, page = self.get_page('/admin/hosts')
        vcpus = page.one('progress', aria_label='node1: 3 of 8 vCPUs used')
        self.assertEqual(('3', '8'), (vcpus['value'], vcpus['max']))
        ram = page.one('progress',
                       aria_label='node1: 1.0 of 8.0 GiB RAM used')
        self.assertEqual(('1024', '8192'), (ram['value'], ram['max']))
        disk = page.one('progress',
                        aria_label='node1: 20 of 100 GiB disk used')
        self.assertEqual(('20', '100'), (disk['value'], disk['max']))
        for text in ('3 of 8 vCPUs', '1.0 of 8.0 GiB RAM',
                     '20 of 100 GiB disk', '0 of 4 vCPUs'):
            self.assertIn(text, page.text)

    def test_rows_carry_their_figures(self):
        _resp, page = self.get_page('/admin/hosts')
        row = page.one('tr', data_host='node1')
        self.assertEqual('hosts-table', page.one('div', id='hosts-table')
                         ['id'])
        self.assertEqual('host-' + UUID1, row['id'])
        self.assertEqual(('3', '8', '1024', '8192', '2'), (
            row['data-vcpus-used'], row['data-vcpus'],
            row['data-memory-used-mb'], row['data-memory-mb'],
            row['data-running-vms']))

    def test_down_and_disabled_badges(self):
        resp, page = self.get_page('/admin/hosts')
        body = resp.get_data(as_text=True)
        self.assertEqual('down', page.one('tr', data_host='node2')
                         ['data-state'])
        self.assertEqual('disabled', page.one('tr', data_host='node3')
                         ['data-status'])
        up = {'class': 'admin-badge admin-up'}
        self.assertEqual(2, len(page.find('span', **up)))
        self.assertIn('<span class="admin-badge admin-down">down</span>',
                      body)
        self.assertIn('<span class="admin-badge admin-disabled">disabled'
                      '</span>', body)
        self.assertIn('maintenance', page.text)

    def test_servers_are_grouped_per_host(self):
        _resp, page = self.get_page('/admin/hosts')
        self.assertEqual(['/servers/s-1', '/servers/s-2'],
                         page.links['node1'])
        self.assertEqual(['/servers/s-3'], page.links['node2'])
        self.assertNotIn('node3', page.links)
        self.assertLess(page.text.index('web-1'), page.text.index('web-2'))

    def test_zone_capacity_sums_its_hosts(self):
        _resp, page = self.get_page('/admin/hosts')
        az1 = page.one('tr', data_zone='az1')
        self.assertEqual(('2', '16', '4', '16384', '1536'), (
            az1['data-hosts'], az1['data-vcpus'], az1['data-vcpus-used'],
            az1['data-memory-mb'], az1['data-memory-used-mb']))
        page.one('progress', aria_label='zone az1: 4 of 16 vCPUs used')
        page.one('progress', aria_label='zone az2: 0 of 4 vCPUs used')
        self.assertEqual([], page.find('tr', data_zone='internal'))
        self.assertEqual([], page.find('tr', data_zone='empty'))
        self.assertIn('1 of 2', page.text)

    def test_the_fragment_is_the_polled_table_alone(self):
        resp, page = self.get_page('/admin/hosts/table', htmx=True)
        body = resp.get_data(as_text=True)
        self.assertTrue(body.lstrip().startswith('<div'), body[:200])
        self.assertNotIn('<html', body)
        self.assertNotIn('zone-capacity', body)
        root = page.tags[0][1]
        self.assertEqual(('hosts-table', '/admin/hosts/table', 'every 3s',
                          'outerHTML'), (root['id'], root['hx-get'],
                                         root['hx-trigger'],
                                         root['hx-swap']))
        self.assertEqual(3, len(page.find('tr', data_state='up')) +
                         len(page.find('tr', data_state='down')))
        self.assertEqual([('GET', 'compute', HYPERVISORS, None)],
                         self.api.calls)

    def test_page_polls_the_fragment(self):
        _resp, page = self.get_page('/admin/hosts')
        root = page.one('div', id='hosts-table')
        self.assertEqual('/admin/hosts/table', root['hx-get'])
        self.assertEqual('every 3s', root['hx-trigger'])

    def test_follows_the_pages_of_hypervisors(self):
        first = {'hypervisors': NODES['hypervisors'][:1],
                 'hypervisors_links': [{'rel': 'next', 'href': 'x'}]}
        self.api.answer('GET', 'compute', HYPERVISORS, first)
        self.api.answer('GET', 'compute', HYPERVISORS + '&marker=' + UUID1,
                        {'hypervisors': NODES['hypervisors'][1:]})
        _resp, page = self.get_page('/admin/hosts/table')
        self.assertEqual(3, len(page.find('tr', data_status='enabled')) +
                         len(page.find('tr', data_status='disabled')))

    def test_no_capacity_no_bar(self):
        self.api.answer('GET', 'compute', HYPERVISORS, {'hypervisors': [
            hypervisor(UUID1, 'node1', vcpus=0, memory_mb=0, local_gb=0)]})
        _resp, page = self.get_page('/admin/hosts/table')
        self.assertEqual([], page.find('progress'))
        self.assertIn('0 of 0 vCPUs', page.text)

    def test_over_capacity_is_said(self):
        self.api.answer('GET', 'compute', HYPERVISORS, {'hypervisors': [
            hypervisor(UUID1, 'node1', vcpus=4, vcpus_used=6)]})
        _resp, page = self.get_page('/admin/hosts/table')
        self.assertIn('6 of 4 vCPUs (over capacity)', page.text)

    def test_no_hypervisors(self):
        self.api.answer('GET', 'compute', HYPERVISORS, {'hypervisors': []})
        self.api.answer('GET', 'compute', ZONES,
                        {'availabilityZoneInfo': []})
        _resp, page = self.get_page('/admin/hosts')
        self.assertIn('No hypervisors.', page.text)
        self.assertIn('No zone has hosts.', page.text)

    def test_policy_refusal_is_shown_with_its_status(self):
        self.api.answer('GET', 'compute', HYPERVISORS,
                        client.APIError(403, DENIED))
        resp, page = self.get_page('/admin/hosts', status=403)
        self.assertIn(DENIED, page.text)
        self.assertIn('<h1>403</h1>', resp.get_data(as_text=True))
        self.assertEqual([], page.find('progress'))

    def test_policy_refusal_of_the_fragment(self):
        self.api.answer('GET', 'compute', HYPERVISORS,
                        client.APIError(403, DENIED))
        resp, page = self.get_page('/admin/hosts/table', status=403,
                                   htmx=True)
        self.assertNotIn('<html', resp.get_data(as_text=True))
        self.assertIn('403: ' + DENIED, page.text)

    def test_names_are_escaped(self):
        self.api.answer('GET', 'compute', HYPERVISORS, {'hypervisors': [
            hypervisor(UUID1, 'node1', servers=[('<b>x</b>', 's-1')])]})
        resp, _page = self.get_page('/admin/hosts/table')
        self.assertNotIn('<b>x</b>', resp.get_data(as_text=True))
        self.assertIn('&lt;b&gt;x&lt;/b&gt;', resp.get_data(as_text=True))


class TopologyTest(AdminTestCase):

    def setUp(self):
        super().setUp()
        self.api.answer('GET', 'compute', ZONES, ZONE_INFO)
        self.api.answer('GET', 'compute', '/os-aggregates', AGGREGATES)

    def test_zones_with_hosts_and_availability(self):
        resp, page = self.get_page('/admin/zones')
        self.assertEqual('true', page.one('tr', data_zone='az1')
                         ['data-available'])
        self.assertEqual('false', page.one('tr', data_zone='az2')
                         ['data-available'])
        self.assertEqual(['az1', 'az2', 'empty', 'internal'], [
            a['data-zone'] for a in page.find('tr') if 'data-zone' in a])
        # node1: in zone az1 and in both aggregates
        self.assertEqual(3, len(page.find('li', data_host='node1')))
        self.assertEqual(1, len(page.find('li', data_binary='nova-scheduler')))
        self.assertIn('not available', page.text)
        body = resp.get_data(as_text=True)
        self.assertIn('<span class="admin-badge admin-down">down</span>',
                      body)
        self.assertIn('<span class="admin-badge admin-down">disabled'
                      '</span>', body)
        self.assertIn('no hosts', page.text)

    def test_aggregates_with_zone_hosts_and_metadata(self):
        _resp, page = self.get_page('/admin/zones')
        self.assertEqual(['agg-az1', 'ssd'], [
            a['data-aggregate'] for a in page.find('tr')
            if 'data-aggregate' in a])
        self.assertIn('disk=ssd', page.text)
        self.assertIn('availability_zone=az1', page.text)

    def test_policy_refusal_is_shown_with_its_status(self):
        self.api.answer('GET', 'compute', '/os-aggregates',
                        client.APIError(403, DENIED))
        _resp, page = self.get_page('/admin/zones', status=403)
        self.assertIn(DENIED, page.text)


class FailuresTest(AdminTestCase):

    def setUp(self):
        super().setUp()
        rows = [{'host': 'node%d' % i, 'filter': 'RamFilter',
                 'reason': 'insufficient RAM'} for i in (1, 2)]
        self.api.answer('GET', 'compute', ERRORS, {'servers': [
            error_server('s-old', 'old', NVH, '2024-05-01T10:00:00Z',
                         details=json.dumps(rows)),
            error_server('s-boom', 'boom', 'Build failed: disk full',
                         '2024-05-02T10:00:00Z', details='Traceback ...'),
            error_server('s-new', 'new', PLANNER_NVH[:255],
                         '2024-05-03T10:00:00Z'),
        ]})

    def test_lists_the_reason_of_each_filter(self):
        resp, _page = self.get_page('/admin/failures')
        body = html.unescape(resp.get_data(as_text=True))
        self.assertIn('<li>ComputeFilter rejected 1 of 3 hosts (compute '
                      'service down)</li>', body)
        self.assertIn('<li>RamFilter rejected 2 of 3 hosts (insufficient '
                      'RAM: needs 4096 MiB, 512 MiB free)</li>', body)
        self.assertIn('<li>FirstFitPlanner: no cluster of the zone has a '
                      'host with room (zone nova: pods rack1; pod rack1: '
                      'clusters c1; cluster c1: node1 (RamFilter), node2 '
                      '(CoreFilter))</li>', body)

    def test_newest_first_and_only_no_valid_host_in_its_section(self):
        _resp, page = self.get_page('/admin/failures')
        self.assertEqual(['s-new', 's-old'], [
            a['id'][4:] for a in page.find('article')])
        self.assertEqual(['s-new', 's-boom', 's-old'], [
            a['data-server'] for a in page.find('tr')
            if 'data-server' in a])

    def test_per_host_reasons_and_other_details(self):
        resp, page = self.get_page('/admin/failures')
        self.assertEqual(2, len([a for a in page.find('tr')
                                 if a.get('data-host')]))
        self.assertIn('Traceback ...', page.text)
        self.assertIn('Build failed: disk full', page.text)
        self.assertIn('characters of a fault message', page.text)
        self.assertIn('needs 4096 MiB, 0 …', page.text)
        self.assertIn('href="/servers/s-old"', resp.get_data(as_text=True))

    def test_no_failures(self):
        self.api.answer('GET', 'compute', ERRORS, {'servers': []})
        _resp, page = self.get_page('/admin/failures')
        self.assertIn('No server in ERROR has a NoValidHost fault.',
                      page.text)
        self.assertIn('No server is in ERROR.', page.text)

    def test_policy_refusal_is_shown_with_its_status(self):
        self.api.answer('GET', 'compute', ERRORS,
                        client.APIError(403, DENIED))
        _resp, page = self.get_page('/admin/failures', status=403)
        self.assertIn(DENIED, page.text)


class FilterReasonsTest(testtools.TestCase):

    def test_split_per_filter(self):
        self.assertEqual([
            'ComputeFilter rejected 1 of 3 hosts (compute service down)',
            'RamFilter rejected 2 of 3 hosts (insufficient RAM: needs 4096 '
            'MiB, 512 MiB free)'], admin.filter_reasons(NVH))

    def test_planner_sentence_then_filters(self):
        reasons = admin.filter_reasons(PLANNER_NVH)
        self.assertEqual(3, len(reasons))
        self.assertTrue(reasons[0].startswith('FirstFitPlanner: '))
        self.assertTrue(reasons[2].startswith('CoreFilter rejected 1 of 2'))

    def test_cut_message_keeps_its_last_part(self):
        reasons = admin.filter_reasons(NVH[:120])
        self.assertEqual(2, len(reasons))
        self.assertEqual(NVH[:120].split('; ')[1], reasons[1])

    def test_other_messages(self):
        self.assertEqual([], admin.filter_reasons('Build failed. Disk full'))
        self.assertEqual([], admin.filter_reasons(''))
        self.assertEqual(['no compute hosts are registered'],
                         admin.filter_reasons('No valid host was found. '
                                              'no compute hosts are '
                                              'registered'))

    def test_host_reasons(self):
        rows = [{'host': 'h', 'filter': 'F', 'reason': 'r'}]
        self.assertEqual(rows, admin.host_reasons(json.dumps(rows)))
        self.assertIsNone(admin.host_reasons('Traceback'))
        self.assertIsNone(admin.host_reasons(None))
        self.assertIsNone(admin.host_reasons('{"a": 1}'))
