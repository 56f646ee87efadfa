"""Image sharing end to end on the in-process stack (the Flask API
through ``build_app`` with noauth, conductor, scheduler and a compute
with the fake driver): a ``shared`` image of project A, uploaded through
``/image/v2``, boots for project B only once B is an accepted member;
the server then goes ACTIVE.  Project C stays refused."""
from oslo_config import cfg
import testtools
from werkzeug import test as werkzeug_test

from nova_lite.api import wsgi
from nova_lite.compute import states
from nova_lite.db import instances as instance_db
from nova_lite import policy
from tests.functional.fixtures import inprocess

CONF = cfg.CONF
IMAGES = '/image/v2/images'


def headers(project):
    return {'X-User-Id': 'user-' + project, 'X-Project-Id': project,
            'X-Roles': 'member'}


A, B, C = headers('project-a'), headers('project-b'), headers('project-c')


class ImageSharingBootTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        CONF([], project='nova_lite', default_config_files=[],
             default_config_dirs=[])
        self.stack = self.useFixture(inprocess.InProcessStack(
            {'node1': 'fake'}, {('api', 'auth_strategy'): 'noauth'}))
        policy.reset()
        self.addCleanup(policy.reset)
        self.client = werkzeug_test.Client(wsgi.build_app(CONF))

    def shared_image(self):
        resp = self.client.post(IMAGES, json={
            'name': 'a-image', 'disk_format': 'raw',
            'container_format': 'bare'}, headers=A)
        self.assertEqual(201, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual('shared', resp.get_json()['visibility'])
        image_id = resp.get_json()['id']
        resp = self.client.put(
            '%s/%s/file' % (IMAGES, image_id), data=b'\0' * 1024 * 1024,
            headers=dict(A, **{'Content-Type': 'application/octet-stream'}))
        self.assertEqual(204, resp.status_code, resp.get_data(as_text=True))
        return image_id

    def boot(self, image_id, who):
        return self.client.post('/v2.1/servers', json={'server': {
            'name': 'vm', 'flavorRef': '1', 'imageRef': image_id}},
            headers=who)

    def test_accepted_member_boots_to_active(self):
        image_id = self.shared_image()
        for who in (B, C):
            resp = self.boot(image_id, who)
            self.assertEqual(400, resp.status_code)
            self.assertIn('Can not find requested image',
                          resp.get_data(as_text=True))
        members = '%s/%s/members' % (IMAGES, image_id)
        self.assertEqual(200, self.client.post(
            members, json={'member': 'project-b'}, headers=A).status_code)
        self.assertEqual(400, self.boot(image_id, B).status_code)
        self.assertEqual(200, self.client.put(
            members + '/project-b', json={'status': 'accepted'},
            headers=B).status_code)
        resp = self.boot(image_id, B)
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        server_id = resp.get_json()['server']['id']
        inprocess.wait_for(
            lambda: instance_db.instance_get(
                self.stack.admin, server_id).vm_state == states.ACTIVE,
            timeout=60, message='%s ACTIVE' % server_id)
        self.assertEqual(400, self.boot(image_id, C).status_code)
