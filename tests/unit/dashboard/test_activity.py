"""The admin activity page: boots per minute and build times of the last
hour from ``GET /servers/detail?all_tenants=1&changes-since=...``, the
pure functions behind them with a fixed ``now``, the SVG pictures (bars,
titles, aria-labels), the data tables, the polled fragment, paging and
the compute API's 403 shown as is."""
import datetime
import html.parser
import re

import testtools

from nova_lite.dashboard import client
from nova_lite.dashboard.views import activity
from tests.unit.dashboard import base

NOW = datetime.datetime(2024, 5, 1, 12, 0, 0)
PATH = ('/servers/detail?all_tenants=1&changes-since=2024-05-01T11:00:00Z'
        '&limit=1000')
DENIED = ("Policy doesn't allow os_compute_api:servers:detail:"
          "get_all_tenants to be performed.")


def server(uuid, ago, build=None, status='ACTIVE', fault=None, name=None):
    """A List Servers Detailed body created ``ago`` seconds before NOW,
    launched ``build`` seconds after its creation (None: never)."""
    created = NOW - datetime.timedelta(seconds=ago)
    body = {'id': uuid, 'name': name or uuid, 'status': status,
            'created': created.strftime('%Y-%m-%dT%H:%M:%SZ'),
            'OS-SRV-USG:launched_at': None}
    if build is not None:
        body['OS-SRV-USG:launched_at'] = (
            created + datetime.timedelta(seconds=build)).isoformat()
    if fault:
        body['fault'] = {'code': 500, 'message': fault,
                         'created': body['created']}
    return body


SERVERS = [
    server('a', 30, build=10),                      # minute 0, launched
    server('j', -30, build=5),                      # future (skew): 0
    server('b', 90, build=20),                      # minute 1, launched
    server('c', 100, status='ERROR',                # minute 1, failed
           fault='No valid host was found. RamFilter rejected 2 of 2'),
    server('d', 150, status='BUILD'),               # minute 2, building
    server('k', 270, build=12.5, status='ERROR',    # minute 4: launched,
           fault='Resize failed'),                  # then ERROR
    server('e', 605, build=30, status='DELETED'),   # minute 10, launched
    server('f', 1201, status='DELETED'),            # never launched: out
    server('i', 3599, build=40, status='SHUTOFF'),  # minute 59, launched
    server('h', 3600, build=3),                     # exactly 60 min: out
    server('g', 3660, build=7),                     # 61 min ago: out
    dict(server('z', 60), created='not a time'),    # unreadable: out
]
LABEL = '8 boots in the last 60 minutes, 1 failed, 1 still building'
DURATIONS_LABEL = ('Build time of 6 boots launched in the last 60 '
                   'minutes: p50 12.5 s, p95 40 s, max 40 s')


def text_of(body, element_id):
    """The text of the element of ``body`` with id ``element_id`` (up to
    its first closing tag of the same name), tags removed."""
    start = body.index('id="%s"' % element_id)
    tag = body[body.rindex('<', 0, start) + 1:start].split()[0]
    end = body.index('</%s>' % tag, start)
    inner = body[body.index('>', start) + 1:end]
    return ' '.join(re.sub(r'<[^>]+>', '', inner).split())


class Page(html.parser.HTMLParser):
    """Start tags (``tags``: (tag, attrs)), the text of each SVG
    ``<title>`` and the page's text."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.titles, self.texts = [], [], []
        self._in_title = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == 'title'

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.titles.append(data)
        self.texts.append(data)

    @property
    def text(self):
        return ' '.join(' '.join(self.texts).split())

    def find(self, tag, **attrs):
        wanted = {k.replace('_', '-'): v for k, v in attrs.items()}
        return [a for t, a in self.tags if t == tag and all(
            a.get(k) == v for k, v in wanted.items())]

    def one(self, tag, **attrs):
        found = self.find(tag, **attrs)
        assert len(found) == 1, (tag, attrs, found)
        return found[0]


class BucketTest(testtools.TestCase):

    def test_boots_per_minute(self):
        buckets = activity.bucket_boots(SERVERS, NOW)
        self.assertEqual(60, len(buckets))
        counts = {b['ago']: (b['launched'], b['failed'], b['building'])
                  for b in buckets if b['total']}
        self.assertEqual({0: (2, 0, 0), 1: (1, 1, 0), 2: (0, 0, 1),
                          4: (1, 0, 0), 10: (1, 0, 0), 59: (1, 0, 0)},
                         counts)
        self.assertEqual(8, sum(b['total'] for b in buckets))

    def test_window_of_other_length(self):
        buckets = activity.bucket_boots(SERVERS, NOW, minutes=5)
        self.assertEqual([2, 2, 1, 0, 1], [b['total'] for b in buckets])

    def test_aware_now_is_utc(self):
        now = NOW.replace(tzinfo=datetime.timezone.utc).astimezone(
            datetime.timezone(datetime.timedelta(hours=2)))
        self.assertEqual(activity.bucket_boots(SERVERS, NOW),
                         activity.bucket_boots(SERVERS, now))
        self.assertEqual('2024-05-01T11:00:00Z',
                         activity.changes_since(now))

    def test_boots_carry_outcome_duration_and_fault(self):
        found = {b.id: b for b in activity.boots(SERVERS, NOW)}
        self.assertEqual(['a', 'b', 'c', 'd', 'e', 'i', 'j', 'k'],
                         sorted(found))
        self.assertEqual(('failed', None, 100.0),
                         (found['c'].outcome, found['c'].duration,
                          found['c'].ago))
        self.assertIn('No valid host', found['c'].fault)
        self.assertEqual(('launched', 12.5), (found['k'].outcome,
                                              found['k'].duration))
        self.assertEqual(0.0, found['j'].ago)
        self.assertEqual('j', activity.boots(SERVERS, NOW)[0].id)

    def test_outcome(self):
        self.assertEqual('launched', activity.outcome(SERVERS[0]))
        self.assertEqual('failed', activity.outcome(SERVERS[3]))
        self.assertEqual('building', activity.outcome(SERVERS[4]))
        self.assertEqual('launched', activity.outcome(SERVERS[6]))
        self.assertIsNone(activity.outcome(SERVERS[7]))
        self.assertIsNone(activity.outcome(server('s', 60,
                                                  status='SOFT_DELETED')))
        self.assertEqual('launched', activity.outcome(
            server('s', 60, build=9, status='SOFT_DELETED')))

    def test_durations_in_seconds(self):
        window = [s for s in SERVERS if s['id'] in 'abcdejkfi']
        self.assertEqual([10.0, 5.0, 20.0, 12.5, 30.0, 40.0],
                         activity.durations(window))
        self.assertEqual([], activity.durations([SERVERS[3]]))

    def test_duration_buckets(self):
        buckets = activity.duration_buckets(SERVERS, NOW)
        self.assertEqual(12, len(buckets))
        self.assertEqual(list(range(0, 60, 5)), [b['ago'] for b in buckets])
        # 0-5 min: 5, 10, 12.5, 20 s
        self.assertEqual({'ago': 0, 'count': 4, 'p50': 10.0, 'p95': 20.0,
                          'max': 20.0}, buckets[0])
        self.assertEqual((1, 30.0, 30.0), (buckets[2]['count'],
                                           buckets[2]['p50'],
                                           buckets[2]['p95']))
        self.assertEqual((1, 40.0), (buckets[11]['count'],
                                     buckets[11]['p95']))
        self.assertEqual((0, None, None), (buckets[1]['count'],
                                           buckets[1]['p50'],
                                           buckets[1]['p95']))

    def test_percentile_by_nearest_rank(self):
        self.assertEqual(10, activity.percentile(range(1, 21), 50))
        self.assertEqual(19, activity.percentile(range(20, 0, -1), 95))
        self.assertEqual(95, activity.percentile(range(1, 101), 95))
        self.assertEqual(7, activity.percentile([7], 95))
        self.assertEqual(1, activity.percentile([3, 1, 2], 0))
        self.assertIsNone(activity.percentile([], 50))
        self.assertEqual({'count': 6, 'p50': 12.5, 'p95': 40.0,
                          'max': 40.0}, activity.stats(
                              [5, 10, 12.5, 20, 30, 40.0]))

    def test_parse_time(self):
        self.assertEqual(NOW, activity.parse_time('2024-05-01T12:00:00Z'))
        self.assertEqual(NOW, activity.parse_time('2024-05-01T14:00:00+02:00'))
        self.assertEqual(NOW.replace(microsecond=500000),
                         activity.parse_time('2024-05-01T12:00:00.500000'))
        for bad in (None, '', 'soon', 42):
            self.assertIsNone(activity.parse_time(bad))

    def test_labels(self):
        buckets = activity.bucket_boots(SERVERS, NOW)
        self.assertEqual(LABEL, activity.boots_label(buckets))
        self.assertEqual('1 boot in the last 60 minutes, 0 failed',
                         activity.boots_label(activity.bucket_boots(
                             SERVERS[:1], NOW)))
        self.assertEqual(DURATIONS_LABEL, activity.durations_label(
            activity.stats([5, 10, 12.5, 20, 30, 40.0])))
        self.assertEqual('No boot of the last 60 minutes has launched yet',
                         activity.durations_label(activity.stats([])))
        self.assertEqual(('7.5 s', '42 s', '0 s', '123.5 s', '—'), (
            activity.seconds_text(7.5), activity.seconds_text(42.04),
            activity.seconds_text(0), activity.seconds_text(123.45),
            activity.seconds_text(None)))

    def test_nice_scale(self):
        self.assertEqual((1, 1), activity.nice_scale(0))
        self.assertEqual((1, 1), activity.nice_scale(1))
        self.assertEqual((3, 1), activity.nice_scale(3))
        self.assertEqual((8, 2), activity.nice_scale(7))
        self.assertEqual((15, 5), activity.nice_scale(12))
        self.assertEqual((40, 10), activity.nice_scale(40))

    def test_boot_chart_geometry(self):
        chart = activity.boot_chart(activity.bucket_boots(SERVERS, NOW))
        self.assertEqual(2, chart['maximum'])
        self.assertEqual(['0', '1', '2'],
                         [t['text'] for t in chart['y_ticks']])
        bars = {bar['ago']: bar for bar in chart['bars']}
        # oldest minute on the left, now on the right; 10 units a minute
        self.assertEqual(activity.LEFT, bars[59]['x'])
        self.assertEqual(activity.LEFT + 590, bars[0]['x'])
        # minute 1: launched then failed, each half the plot's height
        self.assertEqual([('launched', 92.0, 80.0), ('failed', 12.0, 80.0)],
                         [(s['outcome'], s['y'], s['height'])
                          for s in bars[1]['segments']])
        self.assertEqual([], bars[3]['segments'])
        self.assertEqual('1–2 minutes ago: 2 boots (1 launched, 1 failed)',
                         bars[1]['title'])
        self.assertEqual('3–4 minutes ago: no boot', bars[3]['title'])
        self.assertEqual(['60', '50', '40', '30', '20', '10', '0'],
                         [t['text'] for t in chart['x_ticks']])

    def test_duration_chart_geometry(self):
        chart = activity.duration_chart(activity.duration_buckets(
            SERVERS, NOW))
        self.assertEqual(40, chart['maximum'])
        groups = {g['ago']: g for g in chart['groups']}
        self.assertEqual(activity.LEFT + 550, groups[0]['x'])
        p50, p95 = groups[0]['bars']
        self.assertEqual(('p50', 40.0), (p50['key'], p50['height']))
        self.assertEqual(('p95', 80.0), (p95['key'], p95['height']))
        self.assertEqual([], groups[5]['bars'])
        self.assertEqual('0–5 minutes ago: 4 boots launched, p50 10 s, '
                         'p95 20 s, max 20 s', groups[0]['title'])


class ActivityViewTest(base.DashboardTestCase):

    def setUp(self):
        super().setUp()
        if 'activity' not in self.app.blueprints:
            self.app.register_blueprint(activity.bp)
        self.patch(activity, '_utcnow', lambda: NOW)
        self.sign_in(roles=('admin', 'member', 'reader'), user='admin')
        self.api.answer('GET', 'compute', PATH, {'servers': SERVERS})

    def get_page(self, path, status=200, htmx=False):
        headers = {'HX-Request': 'true'} if htmx else {}
        resp = self.client.get(path, headers=headers)
        self.assertEqual(status, resp.status_code, resp.data[:2000])
        return resp.get_data(as_text=True), Page(resp.get_data(as_text=True))

    def test_boots_chart_with_its_summary(self):
        body, page = self.get_page('/admin/activity')
        svg = page.one('svg', id='boots-chart')
        self.assertEqual(('img', LABEL), (svg['role'], svg['aria-label']))
        minutes = page.find('g', **{'class': 'activity-minute'})
        self.assertEqual(60, len(minutes))
        one = page.one('g', data_ago='1')
        self.assertEqual(('2', '1', '1', '0'), (
            one['data-total'], one['data-launched'], one['data-failed'],
            one['data-building']))
        # one launched boot: half the plot (minutes 1, 4, 10, 59); two:
        # all of it (minute 0)
        self.assertEqual(4, len(page.find('rect', **{
            'class': 'activity-launched', 'y': '92.0', 'height': '80.0'})))
        self.assertEqual(1, len(page.find('rect', **{
            'class': 'activity-launched', 'y': '12.0', 'height': '160.0'})))
        self.assertEqual(1, len(page.find('rect', **{
            'class': 'activity-failed', 'fill': '#c62828'})))
        self.assertEqual(1, len(page.find('rect', **{
            'class': 'activity-building'})))
        self.assertIn('1–2 minutes ago: 2 boots (1 launched, 1 failed)',
                      page.titles)
        self.assertEqual(60 + 12, len([t for t in page.titles
                                       if 'minutes ago: ' in t]))
        self.assertIn(LABEL + '.', page.text)
        self.assertIn('minutes ago', page.text)
        self.assertIn('boots', page.text)
        self.assertEqual([('GET', 'compute', PATH, None)], self.api.calls)
        self.assertNotIn('style=', body)
        self.assertNotIn('<style', body)

    def test_durations_chart_and_overall_figures(self):
        body, page = self.get_page('/admin/activity')
        svg = page.one('svg', id='durations-chart')
        self.assertEqual(('img', DURATIONS_LABEL),
                         (svg['role'], svg['aria-label']))
        self.assertEqual('Over the 6 launched boots: p50 12.5 s, p95 40 s, '
                         'max 40 s.', text_of(body, 'durations-summary'))
        self.assertEqual('6', page.one('p', id='durations-summary')
                         ['data-count'])
        bucket = page.one('g', **{'class': 'activity-bucket',
                                  'data-ago': '0'})
        self.assertEqual('4', bucket['data-count'])
        for key in ('p50', 'p95'):   # buckets 0-5, 10-15, 55-60 min
            self.assertEqual(3, len(page.find('rect', **{
                'class': 'activity-' + key})))
        self.assertEqual(1, len(page.find('rect', **{
            'class': 'activity-p95', 'height': '160.0', 'y': '12.0'})))

    def test_data_tables_in_details(self):
        body, page = self.get_page('/admin/activity')
        page.one('details', id='activity-numbers')
        table = body[body.index('<details'):body.index('</details>')]
        self.assertIn('id="boots-table"', table)
        self.assertIn('id="durations-table"', table)
        rows = Page(table).find('tr', data_ago='5')
        self.assertEqual(2, len(rows))   # minute 5, and minutes 5-10
        boots = Page(table[:table.index('durations-table')])
        self.assertEqual(60, len([a for t, a in boots.tags
                                  if t == 'tr' and 'data-ago' in a]))
        minute = table[table.index('<tr data-ago="1">'):]
        minute = minute[:minute.index('</tr>')]
        self.assertEqual('1–2 2 1 1 0', Page(minute).text)
        self.assertIn('Total 8 6 1 1', Page(table).text)
        self.assertIn('0–5 4 10 s 20 s 20 s', Page(table).text)
        self.assertIn('All 6 12.5 s 40 s 40 s', Page(table).text)
        self.assertNotIn('hx-swap-oob', body)

    def test_page_polls_the_figures_every_30_seconds(self):
        _body, page = self.get_page('/admin/activity')
        root = page.one('div', id='activity-figures')
        self.assertEqual(('/admin/activity/figures', 'every 30s',
                          'outerHTML'), (root['hx-get'],
                                         root['hx-trigger'],
                                         root['hx-swap']))

    def test_the_fragment_is_the_figures_alone(self):
        body, page = self.get_page('/admin/activity/figures', htmx=True)
        self.assertTrue(body.lstrip().startswith('<div'), body[:200])
        self.assertNotIn('<html', body)
        self.assertNotIn('<h1', body)
        self.assertNotIn('<details', body)
        root = page.tags[0][1]
        self.assertEqual(('activity-figures', '/admin/activity/figures',
                          'every 30s', 'outerHTML'), (
            root['id'], root['hx-get'], root['hx-trigger'],
            root['hx-swap']))
        self.assertEqual(LABEL, page.one('svg', id='boots-chart')
                         ['aria-label'])
        table = page.one('div', id='activity-table')
        self.assertEqual('true', table['hx-swap-oob'])
        self.assertEqual([('GET', 'compute', PATH, None)], self.api.calls)

    def test_failed_boots_listed_with_their_fault(self):
        body, page = self.get_page('/admin/activity')
        page.one('li', data_server='c')
        page.one('a', href='/servers/c')
        self.assertEqual('c 1 min ago: No valid host was found. RamFilter '
                         'rejected 2 of 2', text_of(body, 'failed-boots'))
        self.assertNotIn('Resize failed', page.text)
        self.assertIn('with their faults: <a href="/admin/failures">', body)

    def test_follows_the_pages(self):
        first = {'servers': SERVERS[:3], 'servers_links': [{
            'rel': 'next', 'href': 'http://api.test/v2.1/servers/detail?'
            'all_tenants=1&changes-since=2024-05-01T11%3A00%3A00Z&'
            'limit=1000&marker=b'}]}
        self.api.answer('GET', 'compute', PATH, first)
        self.api.answer('GET', 'compute', PATH + '&marker=b',
                        {'servers': SERVERS[3:]})
        _body, page = self.get_page('/admin/activity/figures')
        self.assertEqual(LABEL, page.one('svg', id='boots-chart')
                         ['aria-label'])
        self.assertEqual([PATH, PATH + '&marker=b'],
                         [call[2] for call in self.api.calls])
        self.assertNotIn('may miss boots', page.text)

    def test_stops_after_max_pages_and_says_so(self):
        self.patch(activity, 'MAX_PAGES', 2)
        link = [{'rel': 'next', 'href': 'x'}]
        self.api.answer('GET', 'compute', PATH, {
            'servers': SERVERS[:1], 'servers_links': link})
        self.api.answer('GET', 'compute', PATH + '&marker=a', {
            'servers': SERVERS[2:3], 'servers_links': link})
        _body, page = self.get_page('/admin/activity')
        self.assertEqual(2, len(self.api.calls))
        self.assertIn('only the first 2 servers changed in the last 60 '
                      'minutes were read', page.text)
        self.assertEqual('2 boots in the last 60 minutes, 0 failed',
                         page.one('svg', id='boots-chart')['aria-label'])

    def test_no_boots(self):
        self.api.answer('GET', 'compute', PATH, {'servers': []})
        _body, page = self.get_page('/admin/activity')
        self.assertEqual('0 boots in the last 60 minutes, 0 failed',
                         page.one('svg', id='boots-chart')['aria-label'])
        self.assertEqual('No boot of the last 60 minutes has launched yet',
                         page.one('svg', id='durations-chart')
                         ['aria-label'])
        self.assertEqual([], page.find('rect', **{
            'class': 'activity-launched'}))
        self.assertEqual([], page.find('li', data_server='c'))

    def test_policy_refusal_is_shown_with_its_status(self):
        self.api.answer('GET', 'compute', PATH, client.APIError(403, DENIED))
        body, page = self.get_page('/admin/activity', status=403)
        self.assertIn(DENIED, page.text)
        self.assertIn('<h1>403</h1>', body)
        self.assertEqual([], page.find('svg', id='boots-chart'))

    def test_policy_refusal_of_the_fragment(self):
        self.api.answer('GET', 'compute', PATH, client.APIError(403, DENIED))
        body, page = self.get_page('/admin/activity/figures', status=403,
                                   htmx=True)
        self.assertNotIn('<html', body)
        self.assertIn('403: ' + DENIED, page.text)

    def test_names_and_faults_are_escaped(self):
        self.api.answer('GET', 'compute', PATH, {'servers': [server(
            'x', 30, status='ERROR', name='<b>x</b>',
            fault='<script>alert(1)</script>')]})
        body, _page = self.get_page('/admin/activity')
        self.assertNotIn('<b>x</b>', body)
        self.assertNotIn('<script>alert', body)
        self.assertIn('&lt;b&gt;x&lt;/b&gt;', body)

    def test_without_a_session_no_figures(self):
        self.client.delete_cookie('nova_lite_session')
        resp = self.client.get('/admin/activity/figures',
                               headers={'HX-Request': 'true'})
        self.assertEqual(401, resp.status_code)
        self.assertEqual([], self.api.calls)
