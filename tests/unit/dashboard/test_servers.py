"""The servers pages: table rows, launch (body, errors by field),
actions, snapshot, resize, console log and the remote console page."""
import base64

from nova_lite.dashboard import client
from nova_lite.dashboard.views import servers
from tests.unit.dashboard import base

SERVER = {
    'id': 'abc', 'name': 'vm1', 'status': 'ACTIVE',
    'OS-EXT-STS:task_state': None, 'OS-EXT-SRV-ATTR:host': 'node1',
    'addresses': {'private': [{'addr': '10.0.0.5', 'version': 4}]},
    'flavor': {'original_name': 'm1.tiny'}, 'image': {'id': 'img-1'},
}
FLAVORS = {'flavors': [{'id': '2', 'name': 'm1.small', 'vcpus': 1,
                        'ram': 2048, 'disk': 20},
                       {'id': '1', 'name': 'm1.tiny', 'vcpus': 1,
                        'ram': 512, 'disk': 1}]}
IMAGES = {'images': [{'id': 'img-1', 'name': 'tiny', 'status': 'active'},
                     {'id': 'img-2', 'name': 'queued', 'status': 'queued'}]}


class _ServersCase(base.DashboardTestCase):

    def setUp(self):
        super().setUp()
        a = self.api.answer
        a('GET', 'compute', '/servers/detail?limit=1000',
          {'servers': [SERVER]})
        a('GET', 'compute', '/servers/abc', {'server': SERVER})
        a('GET', 'image', '/v2/images?limit=1000', IMAGES)
        a('GET', 'compute', '/flavors/detail', FLAVORS)
        a('GET', 'compute', '/os-keypairs',
          {'keypairs': [{'keypair': {'name': 'k1'}}]})
        a('GET', 'compute', '/os-server-groups', {'server_groups': [
            {'id': 'g1', 'name': 'spread', 'policies': ['anti-affinity']}]})

    def posted(self):
        return [call for call in self.api.calls if call[0] != 'GET']


class TableTest(_ServersCase):

    def test_row_shows_status_addresses_flavor_image(self):
        self.sign_in()
        page = self.client.get('/servers/table').get_data(as_text=True)
        self.assertIn('data-server-name="vm1"', page)
        self.assertIn('data-status="ACTIVE"', page)
        self.assertIn('10.0.0.5', page)
        self.assertIn('m1.tiny', page)
        self.assertIn('>tiny<', page)
        self.assertNotIn('node1', page)

    def test_admin_sees_host_and_reader_no_actions_or_launch(self):
        self.sign_in(roles=('admin', 'member'))
        self.assertIn('node1', self.client.get('/servers/table').get_data(
            as_text=True))
        self.sign_in(roles=('reader',))
        page = self.client.get('/servers').get_data(as_text=True)
        self.assertNotIn('launch-button', page)
        self.assertNotIn('data-action=', page)


class LaunchTest(_ServersCase):

    def setUp(self):
        super().setUp()
        self.sign_in()

    def test_form_lists_choices(self):
        page = self.client.get('/servers/launch').get_data(as_text=True)
        self.assertLess(page.index('m1.tiny'), page.index('m1.small'))
        self.assertIn('value="img-1"', page)
        self.assertNotIn('value="img-2"', page)
        self.assertIn('value="k1"', page)
        self.assertIn('spread (anti-affinity)', page)

    def test_launch_posts_the_server_body(self):
        self.api.answer('POST', 'compute', '/servers', {'server': {}})
        resp = self.post('/servers/launch', {
            'name': 'web', 'flavor': '1', 'image': 'img-1', 'key_name': 'k1',
            'group': 'g1', 'count': '3', 'user_data': '#!/bin/sh\necho hi'})
        self.assertEqual(303, resp.status_code)
        body = self.posted()[0][3]
        self.assertEqual({'group': 'g1'}, body['os:scheduler_hints'])
        server = body['server']
        self.assertEqual((3, 3), (server['min_count'], server['max_count']))
        self.assertEqual('auto', server['networks'])
        self.assertEqual('#!/bin/sh\necho hi',
                         base64.b64decode(server['user_data']).decode())
        self.assertEqual(('web', '1', 'img-1', 'k1'), (
            server['name'], server['flavorRef'], server['imageRef'],
            server['key_name']))

    def test_api_error_shown_next_to_its_field_with_its_status(self):
        self.api.answer('POST', 'compute', '/servers', client.APIError(
            400, "Invalid input for field/attribute server/name. Value: . "
                 "'' is too short"))
        resp = self.post('/servers/launch', {'name': '', 'flavor': '1',
                                             'image': 'img-1'})
        self.assertEqual(400, resp.status_code)
        page = resp.get_data(as_text=True)
        self.assertIn('id="name-error"', page)
        self.assertIn('is too short', page)
        self.assertIn('aria-invalid="true" aria-describedby="name-error"',
                      page)

    def test_field_of(self):
        cases = {
            "Flavor 99 could not be found.": 'flavor',
            "Invalid imageRef provided.": 'image',
            "Invalid key_name provided.": 'key_name',
            "Quota exceeded for instances: Requested 3, but already used "
            "9 of 10 instances": 'count',
            "Invalid input for field/attribute server/min_count. Value: x":
                'count',
            "Policy doesn't allow os_compute_api:servers:create to be "
            "performed.": None,
        }
        for message, field in cases.items():
            self.assertEqual(field, servers.field_of(message), message)


class ServerPageTest(_ServersCase):

    def setUp(self):
        super().setUp()
        self.sign_in()

    def test_actions_call_the_api(self):
        for name, body in (('stop', {'os-stop': None}),
                           ('reboot', {'reboot': {'type': 'SOFT'}}),
                           ('confirm-resize', {'confirmResize': None})):
            resp = self.post('/servers/abc/action/%s' % name,
                             {'from': 'server'}, htmx=True)
            self.assertEqual(200, resp.status_code)
            self.assertEqual(('POST', 'compute', '/servers/abc/action',
                              body), self.posted()[-1])
        self.api.answer('DELETE', 'compute', '/servers/abc', None)
        resp = self.post('/servers/abc/action/delete')
        self.assertEqual(('303', '/servers'), (str(resp.status_code),
                                               resp.location))
        self.assertEqual(404, self.post('/servers/abc/action/x').status_code)

    def test_refused_action_goes_to_the_flash_region(self):
        self.api.answer('POST', 'compute', '/servers/abc/action',
                        client.APIError(409, 'Cannot stop while SHUTOFF'))
        resp = self.post('/servers/abc/action/stop', htmx=True)
        self.assertEqual(409, resp.status_code)
        self.assertEqual('#flash', resp.headers['HX-Retarget'])
        self.assertIn('Cannot stop while SHUTOFF', resp.get_data(as_text=True))

    def test_snapshot_and_resize(self):
        self.api.answer('POST', 'compute', '/servers/abc/action',
                        {'image_id': 'snap-1'})
        resp = self.post('/servers/abc/snapshot', {'snapshot_name': 'snap'},
                         htmx=True)
        self.assertIn('snap-1', resp.get_data(as_text=True))
        self.assertEqual({'createImage': {'name': 'snap'}},
                         self.posted()[-1][3])
        resp = self.post('/servers/abc/resize', {'flavor': '2'}, htmx=True)
        self.assertEqual(200, resp.status_code)
        self.assertEqual({'resize': {'flavorRef': '2'}}, self.posted()[-1][3])

    def test_verify_resize_shows_confirm_and_revert(self):
        self.api.answer('GET', 'compute', '/servers/abc', {'server': dict(
            SERVER, status='VERIFY_RESIZE')})
        page = self.client.get('/servers/abc/status').get_data(as_text=True)
        self.assertIn('data-action="confirm-resize"', page)
        self.assertIn('data-action="revert-resize"', page)

    def test_console_log(self):
        self.api.answer('POST', 'compute', '/servers/abc/action',
                        {'output': 'line1\nNOVA_LITE_GUEST_UP vm1\n'})
        page = self.client.get('/servers/abc/console-log').get_data(
            as_text=True)
        self.assertIn('NOVA_LITE_GUEST_UP vm1', page)
        self.assertEqual({'os-getConsoleOutput': {'length': 200}},
                         self.api.calls[-1][3])

    def test_remote_console_page_frames_only_the_proxy(self):
        self.api.answer('POST', 'compute', '/servers/abc/remote-consoles', {
            'remote_console': {'protocol': 'vnc', 'type': 'novnc',
                               'url': 'http://10.1.1.1:6080/vnc_lite.html'
                                      '?path=%3Ftoken%3Dt'}})
        resp = self.post('/servers/abc/console')
        self.assertEqual(200, resp.status_code)
        self.assertIn('id="remote-console-frame"', resp.get_data(
            as_text=True))
        csp = resp.headers['Content-Security-Policy']
        self.assertTrue(csp.endswith('; frame-src http://10.1.1.1:6080'), csp)
        self.assertEqual(403, self.post('/servers/abc/console',
                                        csrf=False).status_code)
