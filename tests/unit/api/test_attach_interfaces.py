"""os-interface (compute API reference, "Port interfaces (servers,
os-interface)"; doc/interfaces.md): list, show, attach by network or
port, detach, device tags (2.49, 2.70), the rollback of a failed
hot-plug and the errors Nova answers. The compute's RPC (the process
boundary) is recorded: no compute listens in these tests."""
import fixtures
import oslo_messaging as messaging

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite import exception
from nova_lite.metadata import content as metadata_content
from nova_lite.metadata import lookup as metadata_lookup
from nova_lite.network import api as network_api
from nova_lite.network import interfaces as network_interfaces
from nova_lite.objects import instance as instance_obj
from tests.unit.api import fakes
from tests.unit.api import test_network_project

V2 = test_network_project.V2
SERVERS = '/v2.1/servers'
CONFLICT = 'conflictingRequest'


def at(version, headers=None):
    return dict(headers or fakes.MEMBER,
                **{'OpenStack-API-Version': 'compute %s' % version})


class AttachInterfacesTest(test_network_project.ProjectNetworkTestCase):

    def setUp(self):
        super().setUp()
        self.net = self.network(name='blue')
        self.sub = self.subnet(self.net['id'], '10.1.0.0/28')
        self.attached = []
        self.detached = []
        self.attach_fault = None
        self.useFixture(fixtures.MockPatchObject(
            compute_rpcapi.ComputeAPI, 'attach_interface',
            autospec=True, side_effect=self._attach))
        self.useFixture(fixtures.MockPatchObject(
            compute_rpcapi.ComputeAPI, 'detach_interface',
            autospec=True, side_effect=self._detach))
        # The server's first NIC is on the flat network.
        self.server_id = self.create_server(
            networks=[{'uuid': self.api.network['uuid']}])
        self.set_instance(self.server_id, host='node1', vm_state='active',
                          task_state=None)
        network_api.allocate_for_instance(
            self.api.admin_context,
            instance_obj.Instance(uuid=self.server_id))

    def _attach(self, _client, _context, host, instance_uuid, port_id):
        if self.attach_fault is not None:
            raise self.attach_fault
        self.attached.append((host, instance_uuid, port_id))

    def _detach(self, _client, _context, host, instance_uuid, port_id):
        self.detached.append((host, instance_uuid, port_id))

    def url(self, port_id=None, server_id=None):
        url = '%s/%s/os-interface' % (SERVERS, server_id or self.server_id)
        return url + ('/' + port_id if port_id else '')

    def attach(self, headers=None, **attachment):
        return self.post(self.url(), {'interfaceAttachment': attachment},
                         headers)

    def finish_detach(self, port_id):
        """What the compute's conductor does once the NIC is unplugged."""
        return network_interfaces.release_port(self.api.admin_context,
                                               self.server_id, port_id)

    def test_attach_by_network_list_show_detach(self):
        resp = self.attach(net_id=self.net['id'],
                           fixed_ips=[{'ip_address': '10.1.0.9'}])
        self.assertEqual(200, resp.status_code, resp.json)
        iface = resp.json['interfaceAttachment']
        self.assertEqual(
            (self.net['id'], [{'subnet_id': self.sub['id'],
                               'ip_address': '10.1.0.9'}], 'ACTIVE'),
            (iface['net_id'], iface['fixed_ips'], iface['port_state']))
        self.assertNotIn('tag', iface)
        self.assertEqual([('node1', self.server_id, iface['port_id'])],
                         self.attached)
        listed = self.get(self.url()).json['interfaceAttachments']
        self.assertEqual(2, len(listed))
        self.assertIn(iface, listed)
        self.assertEqual(iface, self.get(self.url(iface['port_id'])).json[
            'interfaceAttachment'])
        (port,) = self.get(V2 + '/ports?network_id=' + self.net['id']
                           ).json['ports']
        self.assertEqual((self.server_id, 'compute:nova', iface['mac_addr']),
                         (port['device_id'], port['device_owner'],
                          port['mac_address']))
        server = self.get('%s/%s' % (SERVERS, self.server_id)).json['server']
        self.assertEqual(['10.1.0.9'], [a['addr'] for a in
                                        server['addresses']['blue']])
        actions = self.get('%s/%s/os-instance-actions' % (
            SERVERS, self.server_id)).json['instanceActions']
        self.assertEqual('attach_interface', actions[0]['action'])
        # Detach: 202 and a cast; the port made for the server goes.
        resp = self.delete(self.url(iface['port_id']))
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual([('node1', self.server_id, iface['port_id'])],
                         self.detached)
        self.assertEqual('deleted', self.finish_detach(iface['port_id']))
        self.assertEqual([], self.get(V2 + '/ports?network_id='
                                      + self.net['id']).json['ports'])
        self.assertEqual(1, len(self.get(self.url()).json[
            'interfaceAttachments']))
        actions = self.get('%s/%s/os-instance-actions' % (
            SERVERS, self.server_id)).json['instanceActions']
        self.assertEqual('detach_interface', actions[0]['action'])

    def test_attach_a_port_keeps_it_at_detach(self):
        port = self.port(self.net['id'])
        resp = self.attach(port_id=port['id'])
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual(port['id'],
                         resp.json['interfaceAttachment']['port_id'])
        shown = self.get(V2 + '/ports/' + port['id']).json['port']
        self.assertEqual(self.server_id, shown['device_id'])
        # In use now: another attach of it is a 409.
        self.assertFault(self.attach(port_id=port['id']), 409, CONFLICT)
        self.assertEqual(202, self.delete(self.url(port['id'])).status_code)
        self.assertEqual('unbound', self.finish_detach(port['id']))
        shown = self.get(V2 + '/ports/' + port['id']).json['port']
        self.assertEqual(('', ''), (shown['device_id'],
                                    shown['device_owner']))
        self.assertEqual(1, len(shown['fixed_ips']))

    def test_attach_without_network_uses_the_projects_network(self):
        # (the project's only network with a subnet, as a create)
        resp = self.attach()
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual(self.net['id'],
                         resp.json['interfaceAttachment']['net_id'])

    def test_device_tags(self):
        self.assertFault(self.post(self.url(), {'interfaceAttachment': {
            'net_id': self.net['id'], 'tag': 'nic1'}}, at('2.48')), 400,
            'badRequest', "'tag' was unexpected")
        resp = self.post(self.url(), {'interfaceAttachment': {
            'net_id': self.net['id'], 'tag': 'nic1'}}, at('2.49'))
        self.assertEqual(200, resp.status_code, resp.json)
        port_id = resp.json['interfaceAttachment']['port_id']
        self.assertNotIn('tag', resp.json['interfaceAttachment'])
        self.assertNotIn('tag', self.get(self.url(port_id), at('2.69'))
                         .json['interfaceAttachment'])
        self.assertEqual('nic1', self.get(self.url(port_id), at('2.70'))
                         .json['interfaceAttachment']['tag'])
        tags = {i['port_id']: i['tag'] for i in self.get(
            self.url(), at('2.70')).json['interfaceAttachments']}
        self.assertEqual('nic1', tags.pop(port_id))
        self.assertEqual([None], list(tags.values()))

    def test_create_tags_nics_for_the_metadata_devices(self):
        port = self.port(self.net['id'])
        for version in ('2.42', '2.90', '2.32'):
            resp = self.post(SERVERS, {'server': {
                'name': 'tagged', 'imageRef': fakes.IMAGE_UUID,
                'flavorRef': '1', 'networks': [
                    {'uuid': self.net['id'], 'tag': 'data'},
                    {'uuid': self.api.network['uuid']}] + (
                    [{'port': port['id'], 'tag': 'mgmt'}]
                    if version == '2.32' else [])}}, at(version))
            self.assertEqual(202, resp.status_code, resp.json)
        server_id = resp.json['server']['id']
        self.set_instance(server_id, host='node1', vm_state='active',
                          task_state=None)
        vifs = network_api.allocate_for_instance(
            self.api.admin_context, instance_obj.Instance(uuid=server_id))
        tags = {i['mac_addr']: i['tag'] for i in self.get(
            self.url(server_id=server_id), at('2.70')).json[
            'interfaceAttachments']}
        self.assertEqual(['None', 'data', 'mgmt'],
                         sorted(str(t) for t in tags.values()))
        guest = metadata_lookup.guest_data(self.api.admin_context,
                                           server_id)
        devices = metadata_content.meta_data(guest)['devices']
        self.assertEqual(
            sorted(({'type': 'nic', 'bus': 'pci', 'mac': vif.mac,
                     'tags': [tags[vif.mac]]} for vif in vifs
                    if tags[vif.mac]), key=lambda d: d['mac']),
            sorted(devices, key=lambda d: d['mac']))
        self.assertEqual(['data', 'mgmt'],
                         sorted(d['tags'][0] for d in devices))

    def test_failed_hot_plug_releases_the_port(self):
        port = self.port(self.net['id'])
        for fault in (exception.InterfaceAttachFailed(
                instance_uuid=self.server_id), messaging.MessagingTimeout()):
            self.attach_fault = fault
            self.assertFault(self.attach(net_id=self.net['id']), 500,
                             'computeFault', 'Failed to attach network')
            self.assertFault(self.attach(port_id=port['id']), 500,
                             'computeFault')
        ports = self.get(V2 + '/ports?network_id=' + self.net['id']
                         ).json['ports']
        self.assertEqual([(port['id'], '')],
                         [(p['id'], p['device_id']) for p in ports])
        self.assertEqual(1, len(self.get(self.url()).json[
            'interfaceAttachments']))

    def test_not_found(self):
        missing = '00000000-0000-4000-8000-000000000000'
        self.assertFault(self.get(self.url(server_id=missing)), 404,
                         'itemNotFound')
        self.assertFault(self.attach(fakes.OTHER, net_id=self.net['id']),
                         404, 'itemNotFound')
        self.assertFault(self.attach(net_id=missing), 404, 'itemNotFound')
        self.assertFault(self.attach(port_id=missing), 404, 'itemNotFound')
        self.assertFault(self.get(self.url(missing)), 404, 'itemNotFound')
        self.assertFault(self.delete(self.url(missing)), 404,
                         'itemNotFound')
        # Another project's port is unknown to the caller.
        other_net = self.network(fakes.OTHER, name='theirs')
        self.subnet(other_net['id'], '10.9.0.0/28', fakes.OTHER)
        theirs = self.port(other_net['id'], fakes.OTHER)
        self.assertFault(self.attach(port_id=theirs['id']), 404,
                         'itemNotFound')
        self.assertEqual([], self.attached)

    def test_port_quota_and_ports_without_address(self):
        bare = self.port(self.net['id'], fixed_ips=[])
        used = len(self.get(V2 + '/ports').json['ports'])
        resp = self.put(V2 + '/quotas/' + fakes.PROJECT, {'quota': {
            'port': used}}, fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertFault(self.attach(net_id=self.net['id']), 409, CONFLICT,
                         'Quota exceeded')
        self.assertFault(self.attach(port_id=bare['id']), 400,
                         'badRequest', 'has no fixed IP')
        self.assertEqual([], self.attached)

    def test_bad_bodies(self):
        port = self.port(self.net['id'])
        for body in ({'interfaceAttachment': {'net_id': 'x'}},
                     {'interfaceAttachment': {'bogus': 1}},
                     {'interfaceAttachment': {'fixed_ips': [
                         {'ip_address': 'x'}], 'net_id': self.net['id']}},
                     {'other': {}}):
            self.assertFault(self.post(self.url(), body), 400, 'badRequest')
        self.assertFault(self.attach(net_id=self.net['id'],
                                     port_id=port['id']), 400, 'badRequest',
                         'net_id and port_id')
        self.assertFault(self.attach(fixed_ips=[{'ip_address': '10.1.0.3'}]),
                         400, 'badRequest', 'fixed_ips requires net_id')
        self.assertFault(self.attach(net_id=self.net['id'], fixed_ips=[
            {'ip_address': '10.7.0.3'}]), 400, 'badRequest')
        self.assertEqual([], self.attached)

    def test_states_lock_and_policy(self):
        self.set_instance(self.server_id, vm_state='stopped')
        self.assertEqual(200, self.attach(net_id=self.net['id']).status_code)
        self.set_instance(self.server_id, vm_state='active',
                          task_state='rebooting')
        self.assertFault(self.attach(net_id=self.net['id']), 409, CONFLICT)
        self.set_instance(self.server_id, vm_state='suspended',
                          task_state=None)
        self.assertFault(self.attach(net_id=self.net['id']), 409, CONFLICT)
        self.set_instance(self.server_id, vm_state='active', locked=True)
        self.assertFault(self.attach(net_id=self.net['id']), 409, CONFLICT)
        self.set_instance(self.server_id, locked=False)
        self.assertEqual(403, self.attach(
            fakes.READER, net_id=self.net['id']).status_code)
        self.assertEqual(200, self.get(self.url(), fakes.READER).status_code)
        (first,) = [i['port_id'] for i in self.get(self.url()).json[
            'interfaceAttachments'] if i['net_id'] != self.net['id']]
        self.assertEqual(403, self.delete(self.url(first),
                                          fakes.READER).status_code)
        self.assertEqual(1, len(self.attached))
