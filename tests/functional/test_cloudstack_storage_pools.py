"""Issue 22, primary storage per cluster (doc/cloudstack.md, "Primary
storage"): on the three fake computes and two clusters of
``test_cloudstack_clusters`` plus an in-process ``nova-lite-volume``
(storage1, its files in a temporary directory, NBD exports by the real
qemu-nbd on loopback), createStoragePool gives each cluster a pool
directory of storage1 (c1: 4 GiB, c2: 2 GiB over-provisioned twice);
listStoragePools (cs CLI) shows them and storage1's default pool;

* a boot with a 3 GiB data volume (blank, what ``openstack server
  create --block-device source=blank,dest=volume,size=3`` sends) lands
  in c1 (FirstFitPlanner) and its volume on c1's pool (its file in the
  pool's directory, ``os-vol-host-attr:host`` storage1@file#p1, the
  CloudStack volume's ``storage`` p1); listCapacity type=3 of c1 is
  4 GiB allocated 3;
* the next one (3 GiB) does not fit c1's pool: the scheduler's storage
  level sends it to c2 (node3), its volume to p2;
* a 5 GiB one fits no pool: the server is in ERROR with a NoValidHost
  that names the storage level;
* a volume of c2's pool is refused by a VM of c1 (attachVolume: 431);
  updateStoragePool changes a pool's capacity; deleteStoragePool
  refuses a pool with volumes; Cinder's get_pools shows one truth.

And issue 21's acceptance 3 through ``cs``: a deployed VM lists its
ROOT volume; a DATADISK is created, attached, detached and deleted, each
an async job the CLI polls.

Needs ``qemu-img`` and ``qemu-nbd``; skipped otherwise. About 30 s.
"""
import os
import shutil
import tempfile

from nova_lite.volume import driver as volume_driver
from nova_lite.volume import export as volume_export
from nova_lite.volume import manager as volume_manager
from tests.functional import test_cloudstack_clusters as clusters_test
from tests.functional.fixtures import inprocess

GIB = 1024 ** 3
ADMIN = clusters_test.ADMIN


class StoragePoolsTest(clusters_test.ClusterStackTestBase):

    def setUp(self):
        for tool in ('qemu-img', 'qemu-nbd'):
            if not shutil.which(tool):
                self.skipTest('needs %s' % tool)
        self.dir = tempfile.mkdtemp(prefix='nl-pools-')
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.OVERRIDES = {('volume', 'volumes_dir'): self.dir,
                          ('volume', 'export_filter'): 'none',
                          ('volume', 'export_port_min'): 11451,
                          ('volume', 'export_port_max'): 11480}
        super().setUp()
        exporter = volume_export.NBDExporter(self.dir)
        manager = volume_manager.VolumeManager(
            'storage1', driver=volume_driver.FileDriver(self.dir),
            exporter=exporter)
        self.stack.start_service('nova-lite-volume', 'volume', manager,
                                 'storage1')
        # The qemu-nbd exports outlive the in-process service: close them.
        self.addCleanup(lambda: [exporter.close(att)
                                 for att in exporter.open_exports()])
        self.pools = {}
        for name, cluster, size, factor in (('p1', 'c1', 4, '1'),
                                            ('p2', 'c2', 2, '2')):
            self.pools[name] = self.cs(
                'createStoragePool', 'name=%s' % name,
                'url=file://storage1%s/%s' % (self.dir, name),
                'zoneid=%s' % self.zone, 'scope=cluster',
                'clusterid=%s' % self.clusters[cluster]['id'],
                'capacitybytes=%d' % (size * GIB),
                'overprovisionfactor=%s' % factor)['storagepool']

    def boot_with_volume(self, name, size_gb):
        resp = self.http.request('POST', '/servers', json={'server': {
            'name': name, 'flavorRef': '1',
            'imageRef': self.stack.image['uuid'],
            'block_device_mapping_v2': [
                {'source_type': 'image', 'uuid': self.stack.image['uuid'],
                 'destination_type': 'local', 'boot_index': 0},
                {'source_type': 'blank', 'destination_type': 'volume',
                 'volume_size': size_gb, 'boot_index': -1,
                 'delete_on_termination': True}]}})
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        return inprocess.wait_for(
            lambda: self._final(server_id), timeout=60,
            message='server %s ACTIVE or ERROR' % name)

    def _final(self, server_id):
        server = self.http.request('GET', '/servers/%s' % server_id,
                                   headers=ADMIN).json()['server']
        return server if server['status'] in ('ACTIVE', 'ERROR') else None

    def volumes(self):
        resp = self.http.session.get(
            self.http.url + '/volume/v3/demo/volumes/detail',
            params={'all_tenants': 1}, headers=dict(
                ADMIN, **{'OpenStack-API-Version': 'volume 3.27'}))
        return resp.json()['volumes']

    def allocated(self, cluster):
        entry, = self.cs('listCapacity', 'type=3', 'clusterid=%s' %
                         self.clusters[cluster]['id'])['capacity']
        return entry['capacitytotal'] // GIB, entry['capacityused'] // GIB

    def test_volumes_live_on_their_cluster_pool(self):
        listed = {p['name']: p for p in self.cs(
            'listStoragePools')['storagepool']}
        self.assertEqual({'p1', 'p2', 'storage1-default'}, set(listed))
        p1 = listed['p1']
        self.assertEqual(
            ('CLUSTER', self.clusters['c1']['id'],
             self.clusters['c1']['podid'], 4 * GIB, 0, 'Up', 'Filesystem'),
            (p1['scope'], p1['clusterid'], p1['podid'], p1['disksizetotal'],
             p1['disksizeallocated'], p1['state'], p1['type']))
        self.assertEqual('ZONE', listed['storage1-default']['scope'])
        self.assertEqual((4, 0), self.allocated('c1'))
        self.assertEqual((4, 0), self.allocated('c2'))

        first = self.boot_with_volume('pv1', 3)
        self.assertEqual('ACTIVE', first['status'], first)
        self.assertEqual('c1', self.cluster_of[
            first['OS-EXT-SRV-ATTR:host']])
        vol, = self.volumes()
        self.assertEqual('storage1@file#p1', vol['os-vol-host-attr:host'])
        self.assertTrue(os.path.exists(os.path.join(
            self.dir, 'p1', 'volume-%s' % vol['id'])))
        self.assertEqual((4, 3), self.allocated('c1'))
        self.assertEqual(3 * GIB, self.cs(
            'listStoragePools', 'id=%s' % self.pools['p1']['id'])[
            'storagepool'][0]['disksizeallocated'])
        cs_vol, = self.cs('listVolumes', 'listall=true', 'type=DATADISK')[
            'volume']
        self.assertEqual(('p1', self.pools['p1']['id']),
                         (cs_vol['storage'], cs_vol['storageid']))

        # c1's pool has 1 GiB left: the storage level picks c2.
        second = self.boot_with_volume('pv2', 3)
        self.assertEqual(('ACTIVE', 'node3'), (
            second['status'], second['OS-EXT-SRV-ATTR:host']))
        self.assertEqual({'storage1@file#p1', 'storage1@file#p2'},
                         {v['os-vol-host-attr:host'] for v in self.volumes()})
        self.assertEqual((4, 3), self.allocated('c2'))

        third = self.boot_with_volume('pv3', 5)
        self.assertEqual('ERROR', third['status'])
        self.assertIn('StoragePoolFilter', third['fault']['message'])
        self.assertIn('storage level', third['fault']['details'])

    def test_pool_commands_and_cluster_reach(self):
        vm = self.deploy('pr1')
        self.assertEqual('c1', self.cluster_of[vm['hostname']])
        made = self.cs('createVolume', 'name=far', 'size=1',
                       'zoneid=%s' % self.zone,
                       'storageid=%s' % self.pools['p2']['id'])['volume']
        self.assertEqual('p2', made['storage'])
        self.assertTrue(os.path.exists(os.path.join(
            self.dir, 'p2', 'volume-%s' % made['id'])))
        refused = self.cs('attachVolume', 'id=%s' % made['id'],
                          'virtualmachineid=%s' % vm['id'],
                          expect_ok=False)
        self.assertIn('of cluster %s' % self.clusters['c2']['id'],
                      str(refused))
        self.assertEqual((4, 1), self.allocated('c2'))
        updated = self.cs('updateStoragePool',
                          'id=%s' % self.pools['p2']['id'],
                          'capacitybytes=%d' % (3 * GIB))['storagepool']
        self.assertEqual(3 * GIB, updated['disksizetotal'])
        self.assertEqual((6, 1), self.allocated('c2'))
        self.assertIn('holds 1 volumes', str(self.cs(
            'deleteStoragePool', 'id=%s' % self.pools['p2']['id'],
            expect_ok=False)))
        pools = {p['name']: p['capabilities'] for p in self.http.session.get(
            self.http.url + '/volume/v3/demo/scheduler-stats/get_pools',
            params={'detail': 'true'}, headers=ADMIN).json()['pools']}
        self.assertEqual((6, 5, 1, 'CLUSTER'), (
            pools['storage1@file#p2']['total_capacity_gb'] * 2,
            pools['storage1@file#p2']['free_capacity_gb'],
            pools['storage1@file#p2']['allocated_capacity_gb'],
            pools['storage1@file#p2']['cloudstack_scope']))
        self.assertIn('storage1@file#file', pools)

    def test_volume_lifecycle_through_cs(self):
        """Issue 21, acceptance 3: through the ``cs`` CLI (each async
        command's job polled to its end), a deployed VM lists its ROOT
        volume; a DATADISK is created, attached, detached and deleted."""
        vm = self.deploy('cv1')
        root, = self.cs('listVolumes', 'virtualmachineid=%s' % vm['id'])[
            'volume']
        self.assertEqual(('ROOT', vm['id'], 0),
                         (root['type'], root['virtualmachineid'],
                          root['deviceid']))
        made = self.cs('createVolume', 'name=data1', 'size=1',
                       'zoneid=%s' % self.zone)['volume']
        # Allocated while its file is made, Ready once the job is done.
        self.assertEqual(('DATADISK', 'Ready', GIB),
                         (made['type'], made['state'], made['size']))
        attached = self.cs('attachVolume', 'id=%s' % made['id'],
                           'virtualmachineid=%s' % vm['id'])['volume']
        self.assertEqual((vm['id'], 'Ready'), (
            attached['virtualmachineid'], attached['state']))
        listed = self.cs('listVolumes', 'virtualmachineid=%s' % vm['id'])[
            'volume']
        self.assertEqual(['DATADISK', 'ROOT'],
                         sorted(v['type'] for v in listed))
        detached = self.cs('detachVolume', 'id=%s' % made['id'])['volume']
        self.assertNotIn('virtualmachineid', detached)
        self.cs('deleteVolume', 'id=%s' % made['id'])
        self.assertEqual([], self.cs(
            'listVolumes', 'virtualmachineid=%s' % vm['id'],
            'type=DATADISK').get('volume', []))
        self.assertEqual({}, {k: v for k, v in self.cs(
            'listVolumes', 'id=%s' % made['id']).items() if v})
