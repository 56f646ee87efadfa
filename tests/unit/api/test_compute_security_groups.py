"""The compute API's security group proxies (``/v2.1/os-security-groups``,
``/os-security-group-rules``, microversions 2.1-2.35) and the
``addSecurityGroup``/``removeSecurityGroup`` server actions over the
Networking API's groups, through the full WSGI pipeline."""
from tests.unit.api import fakes
from tests.unit.api import network_fakes

GROUPS = '/v2.1/os-security-groups'
RULES = '/v2.1/os-security-group-rules'
GROUP_KEYS = {'id', 'name', 'description', 'tenant_id', 'rules'}
RULE_KEYS = {'id', 'parent_group_id', 'ip_protocol', 'from_port',
             'to_port', 'ip_range', 'group'}


class ProxyTest(network_fakes.NetworkAPITestCase):

    def create(self, name='web', description='front'):
        resp = self.post(GROUPS, {'security_group': {
            'name': name, 'description': description}})
        self.assertEqual(200, resp.status_code, resp.json)
        return resp.json['security_group']

    def test_groups(self):
        group = self.create()
        self.assertEqual(GROUP_KEYS, set(group))
        self.assertEqual(('web', 'front', fakes.PROJECT, []),
                         (group['name'], group['description'],
                          group['tenant_id'], group['rules']))
        listed = self.get(GROUPS).json['security_groups']
        self.assertEqual(['default', 'web'], [g['name'] for g in listed])
        default = listed[0]
        self.assertEqual([{'name': 'default', 'tenant_id': fakes.PROJECT}],
                         [r['group'] for r in default['rules']][:1])
        # The same group through the Networking API.
        shown = self.get(network_fakes.SG + '/' + group['id']).json
        self.assertEqual('web', shown['security_group']['name'])
        resp = self.put(GROUPS + '/' + group['id'], {'security_group': {
            'name': 'web2', 'description': 'back'}})
        self.assertEqual('web2', resp.json['security_group']['name'])
        self.assertEqual(202, self.delete(GROUPS + '/' + group['id'])
                         .status_code)
        self.assertFault(self.get(GROUPS + '/' + group['id']), 404,
                         'itemNotFound')

    def test_bad_groups(self):
        self.assertFault(self.post(GROUPS, {'security_group': {
            'name': ' ', 'description': 'x'}}), 400, 'badRequest', 'empty')
        self.assertFault(self.post(GROUPS, {'security_group': {
            'name': 'x'}}), 400, 'badRequest')
        self.assertFault(self.post(GROUPS, {'security_group': {
            'name': 'default', 'description': 'x'}}), 400, 'badRequest',
            'Default security group already exists')
        self.assertFault(self.post(GROUPS, {'security_group': {
            'name': 'x', 'description': 'x'}}, fakes.READER), 403,
            'forbidden')

    def test_gone_from_2_36(self):
        headers = dict(fakes.MEMBER, **{
            'OpenStack-API-Version': 'compute 2.36'})
        self.assertFault(self.get(GROUPS, headers), 404, 'itemNotFound')
        self.assertFault(self.post(RULES, {}, headers), 404, 'itemNotFound')

    def test_rules(self):
        group = self.create()
        resp = self.post(RULES, {'security_group_rule': {
            'parent_group_id': group['id'], 'ip_protocol': 'tcp',
            'from_port': 22, 'to_port': '22', 'cidr': '10.0.0.0/8'}})
        self.assertEqual(200, resp.status_code, resp.json)
        rule = resp.json['security_group_rule']
        self.assertEqual(RULE_KEYS, set(rule))
        self.assertEqual((group['id'], 'tcp', 22, 22,
                          {'cidr': '10.0.0.0/8'}, {}),
                         (rule['parent_group_id'], rule['ip_protocol'],
                          rule['from_port'], rule['to_port'],
                          rule['ip_range'], rule['group']))
        icmp = self.post(RULES, {'security_group_rule': {
            'parent_group_id': group['id'], 'ip_protocol': 'icmp',
            'from_port': -1, 'to_port': -1, 'group_id': group['id']}}).json[
            'security_group_rule']
        self.assertEqual((-1, -1, {}, {'name': 'web',
                                       'tenant_id': fakes.PROJECT}),
                         (icmp['from_port'], icmp['to_port'],
                          icmp['ip_range'], icmp['group']))
        shown = self.get(GROUPS + '/' + group['id']).json['security_group']
        self.assertEqual([rule, icmp], shown['rules'])
        self.assertFault(self.post(RULES, {'security_group_rule': {
            'parent_group_id': group['id'], 'ip_protocol': 'tcp',
            'from_port': 22, 'to_port': 22, 'cidr': '10.0.0.0/8'}}), 400,
            'badRequest', 'already exists')
        self.assertFault(self.post(RULES, {'security_group_rule': {
            'parent_group_id': 'nope'}}), 400, 'badRequest', 'uuid')
        self.assertFault(self.post(RULES, {'security_group_rule': {
            'parent_group_id': '6f1c4d0e-8a51-4a86-9a33-1e2b4c5d6e7f'}}),
            404, 'itemNotFound')
        self.assertFault(self.post(RULES, {'security_group_rule': {
            'parent_group_id': group['id'], 'ip_protocol': 'tcp',
            'from_port': 80, 'to_port': 79}}), 400, 'badRequest')
        self.assertEqual(202, self.delete(RULES + '/' + rule['id'])
                         .status_code)
        self.assertFault(self.delete(RULES + '/' + rule['id']), 404,
                         'itemNotFound')

    def test_server_actions(self):
        self.create('web')
        server_id, _ = self.boot()
        url = '/v2.1/servers/%s/action' % server_id

        def names():
            return [g['name'] for g in self.get(
                '/v2.1/servers/%s/os-security-groups' % server_id).json[
                'security_groups']]
        self.assertEqual(['default'], names())
        self.assertEqual(202, self.post(url, {'addSecurityGroup': {
            'name': 'web'}}).status_code)
        self.assertEqual(['default', 'web'], names())
        server = self.get('/v2.1/servers/' + server_id).json['server']
        self.assertEqual([{'name': 'default'}, {'name': 'web'}],
                         server['security_groups'])
        self.assertFault(self.post(url, {'addSecurityGroup': {
            'name': 'web'}}), 400, 'badRequest', 'already')
        self.assertFault(self.post(url, {'addSecurityGroup': {
            'name': 'nope'}}), 404, 'itemNotFound')
        self.assertEqual(202, self.post(url, {'removeSecurityGroup': {
            'name': 'web'}}).status_code)
        self.assertFault(self.post(url, {'removeSecurityGroup': {
            'name': 'web'}}), 400, 'badRequest', 'not in')
        self.assertEqual(['default'], names())
        self.assertFault(self.post(url, {'addSecurityGroup': {
            'name': 'web'}}, fakes.READER), 403, 'forbidden')
