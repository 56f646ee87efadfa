"""CloudStack primary storage commands through the ``build_app()`` WSGI
app: createStoragePool's checks (431 for a bad url, an unknown cluster,
a capacity below 1 GiB or a factor below 1; 536 for a taken name),
listStoragePools filters, updateStoragePool, deleteStoragePool,
listCapacity type=3 of an empty cluster pool, and admin-only access."""
from nova_lite.db import services as service_db
from nova_lite import servicegroup
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api.cloudstack import test_pods_clusters

GIB = 1024 ** 3


class StoragePoolCommandsTest(test_pods_clusters._TopologyTestCase):

    def setUp(self):
        super().setUp()
        service_db.service_register(self.api.admin_context, 'storage1',
                                    servicegroup.VOLUME, 'volume')
        self.pod, self.c1, self.c2 = self.make_topology()
        self.zone = self.zone_id()

    def create(self, **params):
        args = dict({'name': 'p1', 'url': 'file://storage1/srv/p1',
                     'zoneid': self.zone, 'clusterid': self.c1['id'],
                     'capacitybytes': str(10 * GIB)}, **params)
        return self.json('createStoragePool', **args)

    def test_create_list_update_delete(self):
        status, body = self.create(overprovisionfactor='2')
        self.assertEqual(200, status, body)
        pool = body['createstoragepoolresponse']['storagepool']
        self.assertEqual(
            ('CLUSTER', self.c1['id'], self.pod['id'], '/srv/p1', 10 * GIB,
             '2', 'Up'),
            (pool['scope'], pool['clusterid'], pool['podid'], pool['path'],
             pool['disksizetotal'], pool['overprovisionfactor'],
             pool['state']))
        self.ok('createStoragePool', name='wide', zoneid=self.zone,
                url='file://storage1', scope='zone')
        names = {p['name']: p for p in self.ok('listStoragePools')[
            'storagepool']}
        self.assertEqual({'p1', 'wide', 'storage1-default'}, set(names))
        self.assertEqual('ZONE', names['wide']['scope'])
        self.assertEqual(['p1'], [p['name'] for p in self.ok(
            'listStoragePools', clusterid=self.c1['id'])['storagepool']])
        self.assertEqual(['wide', 'storage1-default'], [
            p['name'] for p in self.ok('listStoragePools', scope='zone')[
                'storagepool']])
        entry, = self.ok('listCapacity', type='3',
                         clusterid=self.c1['id'])['capacity']
        self.assertEqual((20 * GIB, 0, 'STORAGE_ALLOCATED'), (
            entry['capacitytotal'], entry['capacityused'], entry['name']))
        updated = self.ok('updateStoragePool', id=pool['id'],
                          capacitybytes=str(4 * GIB), enabled='false')[
            'storagepool']
        self.assertEqual(4 * GIB, updated['disksizetotal'])
        self.assertEqual({'success': True}, self.ok('deleteStoragePool',
                                                    id=pool['id']))
        self.assertNotIn('p1', [p['name'] for p in self.ok(
            'listStoragePools')['storagepool']])

    def test_bad_input(self):
        for params in ({'url': 'nfs://storage1/x'}, {'url': 'file:///x'},
                       {'url': 'file://no-such-host/x'},
                       {'clusterid': '5f0e8a52-1b1c-4c43-a7cc-8c1c1f5ef000'},
                       {'podid': '5f0e8a52-1b1c-4c43-a7cc-8c1c1f5ef000'},
                       {'capacitybytes': '1024'},
                       {'overprovisionfactor': '0.5'}):
            status, body = self.create(**params)
            self.assertEqual(431, status, (params, body))
        self.assertEqual(200, self.create()[0])
        status, body = self.create()
        self.assertEqual(536, status, body)
        default = self.ok('listStoragePools', scope='zone')['storagepool']
        status, body = self.json('updateStoragePool', id=default[0]['id'],
                                 capacitybytes=str(GIB))
        self.assertEqual(431, status, body)


class MemberTest(test_endpoint.CloudStackTestCase):

    def test_pool_commands_are_for_admins(self):
        for command in ('listStoragePools', 'createStoragePool',
                        'deleteStoragePool'):
            status, body = self.json(command)
            self.assertEqual(432, status, (command, body))
