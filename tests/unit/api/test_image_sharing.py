"""Image sharing through the whole WSGI pipeline: a ``shared`` image of
project A (``/image/v2`` creates images ``shared`` by default) is
invisible to project B in ``/image/v2/images``, ``/v2.1/images`` and
CloudStack's listTemplates, and not bootable, until A adds B as a
member (Glance v2 "Image Sharing") and B accepts, or A shares it with
CloudStack's updateTemplatePermissions; project C never sees it."""
import fixtures

from nova_lite.api.cloudstack import keystone
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes

IMAGES = '/image/v2/images'
A, B = fakes.MEMBER, fakes.OTHER
C = {'X-User-Id': 'user-c', 'X-Project-Id': 'project-c',
     'X-Roles': 'member'}
B_ID = fakes.OTHER_PROJECT


def create_shared_image(test, headers, name='shared'):
    """An active image created through /image/v2 with the default
    visibility (shared); returns its id."""
    resp = test.api.request('POST', IMAGES, {
        'name': name, 'disk_format': 'raw', 'container_format': 'bare'},
        headers)
    test.assertEqual(201, resp.status_code, resp.data)
    test.assertEqual('shared', resp.json['visibility'])
    image_id = resp.json['id']
    resp = test.api.request('PUT', '%s/%s/file' % (IMAGES, image_id),
                            headers=headers, raw=b'\0' * 512,
                            content_type='application/octet-stream')
    test.assertEqual(204, resp.status_code, resp.data)
    return image_id


class ImageSharingTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.image = create_shared_image(self, A)
        self.members = '%s/%s/members' % (IMAGES, self.image)

    def sees(self, headers, query=''):
        """Where ``headers``' project finds the image: image list, image
        show, compute list, compute show."""
        glance = [i['id'] for i in self.get(IMAGES + query,
                                            headers).json['images']]
        compute = [i['id'] for i in self.get('/v2.1/images',
                                             headers).json['images']]
        return (self.image in glance,
                self.get('%s/%s' % (IMAGES, self.image),
                         headers).status_code == 200,
                self.image in compute,
                self.get('/v2.1/images/' + self.image,
                         headers).status_code == 200)

    def boot(self, headers):
        return self.post('/v2.1/servers', {'server': {
            'name': 'vm', 'imageRef': self.image, 'flavorRef': '1'}},
            headers)

    def set_status(self, status, headers=B, member=B_ID):
        return self.put('%s/%s' % (self.members, member),
                        {'status': status}, headers)

    def assertInvisible(self, headers):
        self.assertEqual((False,) * 4, self.sees(headers))
        before = self.api.count_instances()
        self.assertFault(self.boot(headers), 400, 'badRequest',
                         'Can not find requested image')
        self.assertEqual(before, self.api.count_instances())

    def test_shared_image_is_invisible_without_membership(self):
        self.assertEqual((True,) * 4, self.sees(A))
        self.assertEqual((True,) * 4, self.sees(fakes.ADMIN))
        self.assertInvisible(B)
        self.assertInvisible(C)

    def test_accepted_member_sees_and_boots(self):
        resp = self.post(self.members, {'member': B_ID}, A)
        self.assertEqual(200, resp.status_code, resp.data)
        self.assertEqual({'image_id': self.image, 'member_id': B_ID,
                          'status': 'pending',
                          'schema': '/v2/schemas/member'},
                         {k: resp.json[k] for k in ('image_id', 'member_id',
                                                    'status', 'schema')})
        # Pending: listed only when asked with member_status, not usable.
        self.assertInvisible(B)
        self.assertEqual((True, False, False, False),
                         self.sees(B, '?member_status=pending'))
        self.assertEqual(200, self.get('%s/%s' % (self.members, B_ID),
                                       B).status_code)
        resp = self.set_status('accepted')
        self.assertEqual(200, resp.status_code, resp.data)
        self.assertEqual('accepted', resp.json['status'])
        self.assertEqual((True,) * 4, self.sees(B))
        self.assertEqual(202, self.boot(B).status_code)
        self.assertInvisible(C)
        # Rejected: gone again.
        self.assertEqual(200, self.set_status('rejected').status_code)
        self.assertInvisible(B)
        self.assertEqual((True, False, False, False),
                         self.sees(B, '?member_status=rejected'))
        # Accepted again, then removed by the owner.
        self.assertEqual(200, self.set_status('accepted').status_code)
        self.assertEqual(204, self.delete('%s/%s' % (self.members, B_ID),
                                          A).status_code)
        self.assertInvisible(B)
        self.assertEqual(404, self.get(self.members, B).status_code)

    def test_member_lists(self):
        self.post(self.members, {'member': B_ID}, A)
        self.post(self.members, {'member': 'project-d'}, A)
        owner_view = self.get(self.members, A).json
        self.assertEqual('/v2/schemas/members', owner_view['schema'])
        self.assertEqual([B_ID, 'project-d'],
                         [m['member_id'] for m in owner_view['members']])
        self.assertEqual([B_ID], [m['member_id'] for m in self.get(
            self.members, B).json['members']])
        self.assertEqual(404, self.get('%s/project-d' % self.members,
                                       B).status_code)
        self.assertEqual(404, self.get(self.members, C).status_code)

    def test_glance_rules(self):
        # Only the owner adds members; twice is a conflict.
        self.assertEqual(404, self.post(self.members, {'member': 'x'},
                                        B).status_code)
        self.assertEqual(200, self.post(self.members, {'member': B_ID},
                                        A).status_code)
        self.assertEqual(409, self.post(self.members, {'member': B_ID},
                                        A).status_code)
        self.assertEqual(403, self.post(self.members, {'member': 'x'},
                                        B).status_code)
        # Only the member changes its status.
        self.assertEqual(403, self.set_status('accepted', A).status_code)
        self.assertEqual(404, self.set_status('accepted', C).status_code)
        self.assertEqual(404, self.set_status('accepted', A,
                                              'nobody').status_code)
        self.assertEqual(400, self.set_status('maybe').status_code)
        self.assertEqual(400, self.post(self.members, {}, A).status_code)
        # Only the owner removes members.
        self.assertEqual(403, self.delete('%s/%s' % (self.members, B_ID),
                                          B).status_code)
        self.assertEqual(404, self.delete('%s/nobody' % self.members,
                                          A).status_code)

    def test_only_shared_images_have_members(self):
        resp = self.post(IMAGES, {'name': 'p', 'visibility': 'private'}, A)
        members = '%s/%s/members' % (IMAGES, resp.json['id'])
        for method, path, body in (
                ('GET', members, None),
                ('POST', members, {'member': B_ID}),
                ('DELETE', members + '/' + B_ID, None)):
            resp = self.api.request(method, path, body, A)
            self.assertEqual(403, resp.status_code, method)
            self.assertIn(b'Only shared images have members', resp.data)
        # Another project's private image stays a 404.
        self.assertEqual(404, self.get(members, B).status_code)


class SwitchableKeystone(test_endpoint.FakeKeystone):
    """The fake Keystone, its caller in the project of the test's
    ``project``."""

    def __init__(self, roles, project):
        super().__init__(roles)
        self.identity = keystone.Identity(
            'user-' + project, 'user-' + project, project, project,
            'default', 'Default', roles, expires_at=None)


class TemplatePermissionsTest(test_endpoint.CloudStackTestCase):
    """CloudStack callers: ``self.project`` (project-a, then project-b)."""

    def setUp(self):
        super().setUp()
        self.project = fakes.PROJECT
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.api.cloudstack.keystone.get_client',
            lambda conf: SwitchableKeystone(self.roles, self.project)))
        self.image = create_shared_image(self, B)
        self.zone = self.json('listZones')[1]['listzonesresponse'][
            'zone'][0]['id']

    def templates(self, kind='executable'):
        body = self.json('listTemplates', templatefilter=kind)[1]
        return [t['id'] for t in body['listtemplatesresponse'].get(
            'template', [])]

    def deploy(self):
        return self.json('deployVirtualMachine', serviceofferingid='1',
                         templateid=self.image, zoneid=self.zone)

    def test_update_template_permissions_shares_the_template(self):
        self.assertNotIn(self.image, self.templates())
        self.assertEqual(431, self.deploy()[0])
        # Only the owner changes or lists the permissions.
        status, _ = self.json('updateTemplatePermissions', id=self.image,
                              op='add', projectids=fakes.PROJECT)
        self.assertEqual(431, status)
        self.project = fakes.OTHER_PROJECT
        status, body = self.json('updateTemplatePermissions', id=self.image,
                                 op='add', projectids=fakes.PROJECT)
        self.assertEqual(200, status, body)
        self.assertEqual({'success': True},
                         body['updatetemplatepermissionsresponse'])
        perms = self.json('listTemplatePermissions', id=self.image)[1][
            'listtemplatepermissionsresponse']['templatepermission']
        self.assertEqual(([fakes.PROJECT], False),
                         (perms['projectids'], perms['ispublic']))
        # Accepted at once: project-a sees and deploys it.
        self.project = fakes.PROJECT
        self.assertIn(self.image, self.templates())
        self.assertIn(self.image, self.templates('sharedexecutable'))
        self.assertEqual(531, self.json('listTemplatePermissions',
                                        id=self.image)[0])
        status, body = self.deploy()
        self.assertEqual(200, status, body)
        self.assertIn('jobid', body['deployvirtualmachineresponse'])
        self.assertEqual(200, self.api.request(
            'GET', '%s/%s' % (IMAGES, self.image)).status_code)
        # Removed: gone.
        self.project = fakes.OTHER_PROJECT
        self.assertEqual(200, self.json(
            'updateTemplatePermissions', id=self.image, op='remove',
            projectids=fakes.PROJECT)[0])
        self.project = fakes.PROJECT
        self.assertNotIn(self.image, self.templates())
        self.assertEqual(431, self.deploy()[0])

    def test_reset_and_ispublic(self):
        self.project = fakes.OTHER_PROJECT
        self.assertEqual(200, self.json(
            'updateTemplatePermissions', id=self.image, op='add',
            projectids='%s,project-c' % fakes.PROJECT)[0])
        self.assertEqual(200, self.json('updateTemplatePermissions',
                                        id=self.image, op='reset')[0])
        perms = self.json('listTemplatePermissions', id=self.image)[1][
            'listtemplatepermissionsresponse']['templatepermission']
        self.assertEqual([], perms['projectids'])
        self.assertEqual('private', self.api.request(
            'GET', '%s/%s' % (IMAGES, self.image), headers=B).json[
            'visibility'])
        # Making a template public is for admins.
        self.assertEqual(531, self.json('updateTemplatePermissions',
                                        id=self.image, ispublic='true')[0])
        status, _ = self.json('updateTemplatePermissions', id=self.image,
                              op='add')
        self.assertEqual(431, status)
