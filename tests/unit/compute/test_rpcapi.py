"""Versions of the compute RPC API: each client method prepares the
version that added it (1.2 get_instance_diagnostics, 1.3 cache_images,
1.4 pause/suspend/soft delete, 1.8 rescue/unrescue,
1.10 VM snapshots, 1.14 interface hot-plug, 1.17 fixed IPs),
the client's cap is the latest, and the manager serves it."""
from unittest import mock

import fixtures
import testtools

from nova_lite.compute import manager
from nova_lite.compute import rpcapi


class TestComputeVersions(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock()
        self.useFixture(fixtures.MockPatch('nova_lite.rpc.get_client',
                                           return_value=self.client))
        self.api = rpcapi.ComputeAPI()

    def test_latest_version_is_served(self):
        self.assertEqual('1.18', rpcapi.ComputeAPI.VERSION)
        self.assertEqual(rpcapi.ComputeAPI.VERSION,
                         manager.ComputeManager.target.version)

    def test_rebuild_is_1_5_or_1_18_with_a_reimage(self):
        cast = self.client.prepare.return_value.cast
        self.api.rebuild_instance(mock.sentinel.ctx, 'node1', 'u', 'img')
        self.client.prepare.assert_called_with(server='node1', version='1.5')
        cast.assert_called_with(mock.sentinel.ctx, 'rebuild_instance',
                                instance_uuid='u', image_id='img',
                                preserve_ephemeral=False)
        self.api.rebuild_instance(mock.sentinel.ctx, 'node1', 'u', 'img',
                                  reimage_boot_volume=True)
        self.client.prepare.assert_called_with(server='node1',
                                               version='1.18')
        cast.assert_called_with(mock.sentinel.ctx, 'rebuild_instance',
                                instance_uuid='u', image_id='img',
                                preserve_ephemeral=False,
                                reimage_boot_volume=True)

    def test_fixed_ips_are_1_17(self):
        self.api.add_fixed_ip_to_instance(mock.sentinel.ctx, 'node1',
                                          'uuid-1', '10.0.0.5')
        self.client.prepare.assert_called_with(server='node1',
                                               version='1.17')
        self.client.prepare.return_value.cast.assert_called_with(
            mock.sentinel.ctx, 'add_fixed_ip_to_instance',
            instance_uuid='uuid-1', address='10.0.0.5')
        self.api.remove_fixed_ip_from_instance(mock.sentinel.ctx, 'node2',
                                               'uuid-1', '10.0.0.5')
        self.client.prepare.assert_called_with(server='node2',
                                               version='1.17')
        self.client.prepare.return_value.cast.assert_called_with(
            mock.sentinel.ctx, 'remove_fixed_ip_from_instance',
            instance_uuid='uuid-1', address='10.0.0.5')

    def test_volume_hot_plug_is_1_16(self):
        self.api.attach_volume(mock.sentinel.ctx, 'node1', 'uuid-1', 'vol-1',
                               'att-1', mountpoint='/dev/vdc')
        self.client.prepare.assert_called_with(server='node1',
                                               version='1.16')
        self.client.prepare.return_value.call.assert_called_once_with(
            mock.sentinel.ctx, 'attach_volume', instance_uuid='uuid-1',
            volume_id='vol-1', attachment_id='att-1', mountpoint='/dev/vdc')
        self.api.detach_volume(mock.sentinel.ctx, 'node1', 'uuid-1', 'vol-1',
                               'att-1', '/dev/vdc')
        self.client.prepare.return_value.cast.assert_called_once_with(
            mock.sentinel.ctx, 'detach_volume', instance_uuid='uuid-1',
            volume_id='vol-1', attachment_id='att-1', mountpoint='/dev/vdc')

    def test_interface_hot_plug_is_1_14(self):
        self.api.attach_interface(mock.sentinel.ctx, 'node1', 'uuid-1',
                                  'port-1')
        self.client.prepare.assert_called_once_with(server='node1',
                                                    version='1.14')
        self.client.prepare.return_value.call.assert_called_once_with(
            mock.sentinel.ctx, 'attach_interface', instance_uuid='uuid-1',
            port_id='port-1')
        self.api.detach_interface(mock.sentinel.ctx, 'node1', 'uuid-1',
                                  'port-1')
        self.client.prepare.return_value.cast.assert_called_once_with(
            mock.sentinel.ctx, 'detach_interface', instance_uuid='uuid-1',
            port_id='port-1')

    def test_get_instance_diagnostics_is_1_2(self):
        self.api.get_instance_diagnostics(mock.sentinel.ctx, 'node1',
                                          'uuid-1', standard=False)
        self.client.prepare.assert_called_once_with(server='node1',
                                                    version='1.2')
        self.client.prepare.return_value.call.assert_called_once_with(
            mock.sentinel.ctx, 'get_instance_diagnostics',
            instance_uuid='uuid-1', standard=False)

    def test_cache_images_is_1_3(self):
        self.api.cache_images(mock.sentinel.ctx, 'node1', ('a', 'b'))
        self.client.prepare.assert_called_once_with(server='node1',
                                                    version='1.3')
        self.client.prepare.return_value.cast.assert_called_once_with(
            mock.sentinel.ctx, 'cache_images', image_ids=['a', 'b'])

    def test_resize_methods_are_1_6_casts(self):
        self.api.finish_resize(mock.sentinel.ctx, 'node2', 'uuid-1',
                               'mig-1', {'disk_id': 'd'})
        self.client.prepare.assert_called_once_with(server='node2',
                                                    version='1.6')
        self.client.prepare.return_value.cast.assert_called_once_with(
            mock.sentinel.ctx, 'finish_resize', instance_uuid='uuid-1',
            migration_uuid='mig-1', disk_info={'disk_id': 'd'})
        for name in ('prep_resize', 'resize_instance', 'confirm_resize',
                     'revert_resize', 'finish_revert_resize'):
            self.assertTrue(callable(getattr(manager.ComputeManager, name)))

    def test_lifecycle_casts_are_1_4(self):
        for method in ('pause_instance', 'unpause_instance',
                       'suspend_instance', 'resume_instance',
                       'soft_delete_instance', 'restore_instance'):
            self.client.reset_mock()
            getattr(self.api, method)(mock.sentinel.ctx, 'node1', 'uuid-1')
            self.client.prepare.assert_called_once_with(server='node1',
                                                        version='1.4')
            self.client.prepare.return_value.cast.assert_called_once_with(
                mock.sentinel.ctx, method, instance_uuid='uuid-1')
            self.assertTrue(callable(getattr(manager.ComputeManager,
                                             method)))

    def test_rescue_casts_are_1_8(self):
        self.api.rescue_instance(mock.sentinel.ctx, 'node1', 'uuid-1', 'pw',
                                 'image-1')
        self.client.prepare.assert_called_once_with(server='node1',
                                                    version='1.8')
        self.client.prepare.return_value.cast.assert_called_once_with(
            mock.sentinel.ctx, 'rescue_instance', instance_uuid='uuid-1',
            rescue_password='pw', rescue_image_ref='image-1')
        self.client.reset_mock()
        self.api.unrescue_instance(mock.sentinel.ctx, 'node1', 'uuid-1')
        self.client.prepare.assert_called_once_with(server='node1',
                                                    version='1.8')
        self.client.prepare.return_value.cast.assert_called_once_with(
            mock.sentinel.ctx, 'unrescue_instance', instance_uuid='uuid-1')

    def test_shelve_methods_are_1_7_casts(self):
        self.api.unshelve_instance(mock.sentinel.ctx, 'node2', 'uuid-1',
                                   'img-1')
        self.client.prepare.assert_called_once_with(server='node2',
                                                    version='1.7')
        self.client.prepare.return_value.cast.assert_called_once_with(
            mock.sentinel.ctx, 'unshelve_instance', instance_uuid='uuid-1',
            image_id='img-1')
        for name in ('shelve_instance', 'shelve_offload_instance',
                     'unshelve_instance', 'offload_shelved_instances'):
            self.assertTrue(callable(getattr(manager.ComputeManager, name)))

    def test_vm_snapshot_casts_are_1_10(self):
        calls = (('vm_snapshot_create', ('snap-1', True),
                  {'snapshot_id': 'snap-1', 'memory': True}),
                 ('vm_snapshot_revert', ('snap-1', False),
                  {'snapshot_id': 'snap-1', 'memory': False}),
                 ('vm_snapshot_delete', ('snap-1',),
                  {'snapshot_id': 'snap-1'}))
        for method, args, kwargs in calls:
            self.client.reset_mock()
            getattr(self.api, method)(mock.sentinel.ctx, 'node1', 'uuid-1',
                                      *args)
            self.client.prepare.assert_called_once_with(server='node1',
                                                        version='1.10')
            self.client.prepare.return_value.cast.assert_called_once_with(
                mock.sentinel.ctx, method, instance_uuid='uuid-1', **kwargs)
            self.assertTrue(callable(getattr(manager.ComputeManager,
                                             method)))
