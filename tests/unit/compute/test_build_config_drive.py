"""A build hands the driver what the guest is told about itself, read
by the conductor (RPC 1.3 build_start): the fake driver records the
config drive of a server created with ``config_drive`` (or under
``[DEFAULT] force_config_drive``), and the guest data carries the user
data, key, admin password, metadata and the new NIC."""
import base64
import json

import fixtures

from nova_lite.compute import build
from nova_lite.compute import states
from nova_lite.conductor import compute_proxy
from nova_lite.db import instances as instance_db
from nova_lite.metadata import content
from nova_lite.objects import instance as instance_obj
from nova_lite.virt import fake
from tests.unit.api.cloudstack import test_keypairs
from tests.unit.api import fakes
from tests.unit.compute import local_conductor

HOST = 'node1'


class _Spec:
    image = instance_obj.ImageMeta(id='image-1')


class _RecordingDriver(fake.FakeDriver):
    def spawn(self, context, instance, image_meta, network_info,
              guest_data=None):
        self.guest_data = guest_data
        super().spawn(context, instance, image_meta, network_info,
                      guest_data=guest_data)


class BuildConfigDriveTest(fakes.APITestCase):

    def _build(self, **server):
        uuid = self.create_server(**server)
        self.set_instance(uuid, host=HOST, node=HOST,
                          vm_state=states.BUILDING, task_state=None)
        instance = instance_obj.Instance.from_db(
            instance_db.instance_get(self.api.admin_context, uuid))
        driver = _RecordingDriver(HOST)
        build.BuildFlow(HOST, driver, local_conductor.LocalConductor()).run(
            self.api.admin_context, instance, _Spec(), [])
        return uuid, driver

    def test_config_drive_with_the_guest_data(self):
        key = test_keypairs.ed25519_public_key()
        self.post('/v2.1/os-keypairs', {'keypair': {'name': 'k',
                                                    'public_key': key}})
        uuid, driver = self._build(
            config_drive=True, key_name='k', adminPass='pw-1',
            metadata={'a': 'b'},
            user_data=base64.b64encode(b'hello').decode())
        files = driver.config_drive_files(uuid)
        self.assertIn('openstack/latest/meta_data.json', files)
        self.assertIn('openstack/latest/user_data', files)
        guest = driver.guest_data
        self.assertEqual((uuid, 'k', key, 'pw-1', {'a': 'b'}), (
            guest['uuid'], guest['key_name'], guest['key_data'],
            guest['admin_pass'], guest['metadata']))
        self.assertEqual(1, len(guest['networks']))
        md = json.loads(content.config_drive_files(guest)[
            'openstack/latest/meta_data.json'])
        self.assertEqual('pw-1', md['admin_pass'])
        self.assertNotIn('pw-1', self.log.output)
        self.assertNotIn(key, self.log.output)

    def test_no_config_drive_unless_asked_or_forced(self):
        uuid, driver = self._build()
        self.assertIsNone(driver.config_drive_files(uuid))
        self.api.conf.config(force_config_drive=True)
        uuid, driver = self._build()
        self.assertIsNotNone(driver.config_drive_files(uuid))
        self.assertEqual('True', self.get('/v2.1/servers/%s' % uuid).json[
            'server']['config_drive'])

    def test_guest_data_is_read_only_for_a_config_drive(self):
        asked = []
        real = local_conductor._build_start

        def spy(context, *args, guest_data=True, **kwargs):
            asked.append(guest_data)
            return real(context, *args, guest_data=guest_data, **kwargs)
        self.useFixture(fixtures.MonkeyPatch(
            'tests.unit.compute.local_conductor._build_start', spy))
        _uuid, driver = self._build()
        self.assertIsNone(driver.guest_data)
        self._build(config_drive=True)
        self.assertEqual([False, True], asked)

    def test_build_start_answers_guest_data_only_when_ours(self):
        uuid = self.create_server()
        self.assertIsNone(compute_proxy.build_start(
            self.api.admin_context, uuid, HOST, guest_data=True))
        self.set_instance(uuid, host=HOST, node=HOST,
                          vm_state=states.BUILDING, task_state=None)
        started = compute_proxy.build_start(self.api.admin_context, uuid,
                                            HOST, guest_data=True)
        self.assertFalse(started['guest_data']['config_drive'])
        self.assertEqual(1, len(started['network_info']))
