"""createConsoleEndpoint: a noVNC console of a Running VM through the
same proxy and tokens as the compute API (the compute's RPC answer is
mocked: a process boundary), and ``success`` false for a VM without
one."""
from unittest import mock
import urllib.parse

from nova_lite.compute import consoles
from nova_lite.compute import rpcapi
from nova_lite.compute import states
from nova_lite.db import instances as instance_db
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes


class ConsoleEndpointTest(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        zone = self.json('listZones')[1]['listzonesresponse']['zone'][0]
        status, body = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, zoneid=zone['id'], name='vm1')
        self.assertEqual(200, status, body)
        self.vm_id = body['deployvirtualmachineresponse']['id']
        patcher = mock.patch.object(
            rpcapi.ComputeAPI, 'get_vnc_console',
            return_value={'host': None, 'port': None, 'path': '/x/vnc.sock'})
        self.rpc = patcher.start()
        self.addCleanup(patcher.stop)

    def endpoint(self, **params):
        status, body = self.json('createConsoleEndpoint', **params)
        return status, body.get('createconsoleendpointresponse', body)

    def test_endpoint_of_a_running_vm(self):
        instance_db.instance_update(self.api.admin_context, self.vm_id, {
            'vm_state': states.ACTIVE, 'task_state': None, 'host': 'node1'})
        status, body = self.endpoint(virtualmachineid=self.vm_id)
        self.assertEqual(200, status, body)
        endpoint = body['consoleendpoint']
        self.assertTrue(endpoint['success'])
        ws = endpoint['websocket']
        self.assertEqual({'host': '127.0.0.1', 'port': '6080', 'path': '/'},
                         {k: ws[k] for k in ('host', 'port', 'path')})
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(
            endpoint['url']).query)
        self.assertEqual('?token=' + ws['token'], query['path'][0])
        row = consoles.validate(self.api.admin_context, ws['token'])
        self.assertEqual((self.vm_id, '/x/vnc.sock'),
                         (row['instance_uuid'], row['target_path']))

    def test_vm_without_console(self):
        instance_db.instance_update(self.api.admin_context, self.vm_id, {
            'vm_state': states.STOPPED, 'task_state': None, 'host': 'node1'})
        status, body = self.endpoint(virtualmachineid=self.vm_id)
        self.assertEqual(200, status, body)
        self.assertFalse(body['consoleendpoint']['success'])
        self.assertIn('stopped', body['consoleendpoint']['details'])
        self.rpc.assert_not_called()

    def test_unknown_vm(self):
        status, body = self.endpoint(virtualmachineid=fakes.IMAGE_UUID)
        self.assertEqual(431, status, body)
        status, body = self.endpoint()
        self.assertEqual(431, status, body)
