"""The quotas page: used vs limit bars for compute and block storage,
unlimited quotas as text, RAM in MiB/GiB."""
from nova_lite.dashboard import client
from tests.unit.dashboard import base

ABSOLUTE = {
    'maxTotalInstances': 10, 'totalInstancesUsed': 3,
    'maxTotalCores': -1, 'totalCoresUsed': 6,
    'maxTotalRAMSize': 51200, 'totalRAMUsed': 1536,
    'maxTotalKeypairs': 100,
    'maxServerGroups': 2, 'totalServerGroupsUsed': 2,
    'maxServerMeta': 128, 'maxServerGroupMembers': 10,
}
KEYPAIRS = {'keypairs': [{'keypair': {'name': 'a'}},
                         {'keypair': {'name': 'b'}}]}
VOLUME = {'limits': {'absolute': {
    'maxTotalVolumes': 10, 'totalVolumesUsed': 4,
    'maxTotalVolumeGigabytes': 1000, 'totalGigabytesUsed': 250}}}


class OverviewTest(base.DashboardTestCase):

    def setUp(self):
        super().setUp()
        self.sign_in()
        self.api.answer('GET', 'compute', '/limits',
                        {'limits': {'absolute': ABSOLUTE, 'rate': []}})
        self.api.answer('GET', 'compute', '/os-keypairs', KEYPAIRS)

    def _page(self):
        resp = self.client.get('/quotas')
        self.assertEqual(200, resp.status_code)
        return resp.get_data(as_text=True)

    def test_bars_show_text_and_progress(self):
        page = self._page()
        self.assertIn('<span id="quota-instances-text">Instances: 3 of 10'
                      '</span>', page)
        self.assertIn('<progress id="quota-instances" value="3" max="10" '
                      'aria-label="Instances: 3 of 10"></progress>', page)
        self.assertIn('<progress id="quota-keypairs" value="2" max="100" '
                      'aria-label="Key pairs: 2 of 100"></progress>', page)

    def test_ram_in_gib(self):
        page = self._page()
        self.assertIn('RAM: 1.5 GiB of 50 GiB', page)
        self.assertIn('<progress id="quota-ram" value="1536" max="51200"',
                      page)

    def test_unlimited_is_text_without_bar(self):
        page = self._page()
        self.assertIn('vCPUs: 6 (no limit)', page)
        self.assertNotIn('id="quota-cores"', page)

    def test_full_quota_is_marked(self):
        page = self._page()
        self.assertIn('class="quota-bar quota-full" data-quota='
                      '"server-groups"', page)
        self.assertIn('Server groups: 2 of 2 (quota reached)', page)

    def test_keypair_limit_alone_when_the_list_fails(self):
        del self.api.answers[('GET', 'compute', '/os-keypairs')]
        page = self._page()
        self.assertIn('Key pairs: up to 100', page)
        self.assertNotIn('id="quota-keypairs"', page)

    def test_ram_below_a_gib_in_mib(self):
        absolute = dict(ABSOLUTE, maxTotalRAMSize=-1, totalRAMUsed=512)
        self.api.answer('GET', 'compute', '/limits',
                        {'limits': {'absolute': absolute}})
        self.assertIn('RAM: 512 MiB (no limit)', self._page())

    def test_zero_limit_has_no_bar(self):
        absolute = dict(ABSOLUTE, maxTotalInstances=0, totalInstancesUsed=0)
        self.api.answer('GET', 'compute', '/limits',
                        {'limits': {'absolute': absolute}})
        page = self._page()
        self.assertIn('Instances: 0 of 0', page)
        self.assertNotIn('id="quota-instances"', page)

    def test_volume_bars_when_the_catalog_has_block_storage(self):
        self.api.services.add('volume')
        self.api.answer('GET', 'volume', '/limits', VOLUME)
        page = self._page()
        self.assertIn('Block storage', page)
        self.assertIn('<progress id="quota-volumes" value="4" max="10" '
                      'aria-label="Volumes: 4 of 10"></progress>', page)
        self.assertIn('Volume storage: 250 GiB of 1000 GiB', page)

    def test_no_volume_section_without_the_service(self):
        page = self._page()
        self.assertNotIn('Block storage', page)
        self.assertNotIn(('GET', 'volume', '/limits', None), self.api.calls)

    def test_volume_api_failure_is_skipped_quietly(self):
        self.api.services.add('volume')
        self.api.answer('GET', 'volume', '/limits',
                        client.APIError(503, 'The volume API cannot be '
                                             'reached.'))
        page = self._page()
        self.assertNotIn('Block storage', page)
        self.assertNotIn('cannot be reached', page)
        self.assertIn('Instances: 3 of 10', page)

    def test_compute_refusal_is_the_error_page(self):
        self.api.answer('GET', 'compute', '/limits',
                        client.APIError(403, 'Policy does not allow.'))
        resp = self.client.get('/quotas')
        self.assertEqual(403, resp.status_code)
        self.assertIn(b'Policy does not allow.', resp.data)

    def test_post_without_csrf_token_is_403(self):
        # The page takes no POST: the CSRF check refuses it first.
        resp = self.post('/quotas', csrf=False)
        self.assertEqual(403, resp.status_code)
        self.assertEqual([], self.api.calls)
