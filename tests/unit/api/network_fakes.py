"""Helpers of the Networking API unit tests (``/network/v2.0``)."""
from nova_lite.db import instances as instance_db
from nova_lite.db import network as network_db
from tests.unit.api import fakes

V2 = '/network/v2.0'
SG = V2 + '/security-groups'
RULES = V2 + '/security-group-rules'


class NetworkAPITestCase(fakes.APITestCase):

    def assertNeutronError(self, resp, code, error_type, message_part=None):
        """``resp`` is a Neutron fault of ``code`` and ``type``."""
        self.assertEqual(code, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual('application/json', resp.mimetype)
        self.assertEqual({'NeutronError'}, set(resp.json))
        fault = resp.json['NeutronError']
        self.assertEqual({'type', 'message', 'detail'}, set(fault))
        self.assertEqual(error_type, fault['type'])
        self.assertTrue(fault['message'])
        if message_part is not None:
            self.assertIn(message_part, fault['message'])
        return fault['message']

    def create_group(self, name='web', headers=None, **extra):
        body = {'security_group': dict(extra, name=name)}
        resp = self.post(SG, body, headers)
        self.assertEqual(201, resp.status_code, resp.json)
        return resp.json['security_group']

    def create_rule(self, group_id, headers=None, **rule):
        resp = self.post_rule(group_id, headers, **rule)
        self.assertEqual(201, resp.status_code, resp.json)
        return resp.json['security_group_rule']

    def post_rule(self, group_id, headers=None, **rule):
        body = dict({'direction': 'ingress'}, security_group_id=group_id,
                    **rule)
        return self.post(RULES, {'security_group_rule': body}, headers)

    def boot(self, headers=None, host='node1', vm_state='active', **server):
        """A server with its fixed IP allocated (as its compute does);
        returns (server id, {address, mac})."""
        server_id = self.create_server(headers, **server)
        self.set_instance(server_id, host=host, vm_state=vm_state)
        fixed = network_db.fixed_ip_allocate(
            self.api.admin_context, self.api.network['id'], server_id)
        return server_id, fixed

    def destroy(self, server_id):
        """Delete the instance as its compute finally does."""
        network_db.fixed_ip_deallocate(self.api.admin_context, server_id)
        instance_db.instance_destroy(self.api.admin_context, server_id)
