"""A server boots only from an image its project may see (Glance v2's
rule: public and community images, the project's own, everything for
admins): another project's private image is "not found" at create, in
the compute API (400, as Nova when Glance answers 404) and in CloudStack's
deployVirtualMachine (431 on templateid), and nothing is stored."""
from nova_lite.db import images as image_db
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes

SERVERS = '/v2.1/servers'
PRIVATE = '2b8f5f63-1a4c-4d7e-9a59-0c6f4a8b7e11'
COMMUNITY = '7d0c1c55-0a6e-4b51-bf3f-5f0e33f2a9c2'


def add_images(ctx):
    """A private and a community image, both of OTHER_PROJECT."""
    for uuid, visibility in ((PRIVATE, 'private'),
                             (COMMUNITY, 'community')):
        image_db.image_create(ctx, {
            'uuid': uuid, 'name': visibility, 'status': 'active',
            'disk_format': 'qcow2', 'container_format': 'bare',
            'size': 4096, 'min_disk': 0, 'min_ram': 0,
            'visibility': visibility, 'owner': fakes.OTHER_PROJECT,
            'properties': {}})


class ComputeAPIBootVisibilityTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        add_images(self.api.admin_context)

    def boot(self, image, headers):
        return self.post(SERVERS, {'server': {
            'name': 'vm', 'imageRef': image, 'flavorRef': '1'}}, headers)

    def test_other_projects_private_image_is_not_found(self):
        before = self.api.count_instances()
        resp = self.boot(PRIVATE, fakes.MEMBER)
        self.assertFault(resp, 400, 'badRequest',
                         'Can not find requested image')
        self.assertEqual(before, self.api.count_instances())

    def own_image_with_kernel(self, kernel):
        """A private image of the caller's project naming ``kernel``."""
        return image_db.image_create(self.api.admin_context, {
            'name': 'own', 'status': 'active', 'disk_format': 'qcow2',
            'container_format': 'bare', 'size': 4096, 'min_disk': 0,
            'min_ram': 0, 'visibility': 'private', 'owner': fakes.PROJECT,
            'properties': {'kernel_id': kernel}})['uuid']

    def test_kernel_of_another_projects_private_image_is_refused(self):
        # The compute would fetch that kernel for the caller's guest.
        before = self.api.count_instances()
        resp = self.boot(self.own_image_with_kernel(PRIVATE), fakes.MEMBER)
        self.assertFault(resp, 400, 'badRequest',
                         'Kernel %s of image' % PRIVATE)
        self.assertEqual(before, self.api.count_instances())
        resp = self.boot(self.own_image_with_kernel(COMMUNITY),
                         fakes.MEMBER)
        self.assertEqual(202, resp.status_code, resp.json)

    def test_owner_admin_and_community_can_boot(self):
        self.assertEqual(202, self.boot(PRIVATE, fakes.OTHER).status_code)
        self.assertEqual(202, self.boot(PRIVATE, fakes.ADMIN).status_code)
        self.assertEqual(202,
                         self.boot(COMMUNITY, fakes.MEMBER).status_code)


class CloudStackDeployVisibilityTest(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        add_images(self.api.admin_context)

    def test_other_projects_private_template_is_431(self):
        before = self.api.count_instances()
        zone = self.json('listZones')[1]['listzonesresponse']['zone'][0]
        status, body = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=PRIVATE, zoneid=zone['id'])
        self.assertEqual(431, status, body)
        self.assertIn('templateid', body['deployvirtualmachineresponse'][
            'errortext'])
        self.assertEqual(before, self.api.count_instances())
        status, body = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=COMMUNITY, zoneid=zone['id'])
        self.assertEqual(200, status, body)
