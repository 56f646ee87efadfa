"""Security groups and rules of the Networking API
(``/network/v2.0/security-groups``, ``/security-group-rules``) and the
groups of servers in the compute API, through the full WSGI pipeline."""
from tests.unit.api import fakes
from tests.unit.api import network_fakes

SG = network_fakes.SG
RULES = network_fakes.RULES
GROUP_KEYS = {'id', 'name', 'description', 'tenant_id', 'project_id',
              'security_group_rules', 'created_at', 'updated_at',
              'revision_number'}
RULE_KEYS = {'id', 'security_group_id', 'direction', 'ethertype',
             'protocol', 'port_range_min', 'port_range_max',
             'remote_ip_prefix', 'remote_group_id', 'description',
             'tenant_id', 'project_id', 'created_at', 'updated_at',
             'revision_number'}


def _shape(rule):
    return (rule['direction'], rule['ethertype'], rule['protocol'],
            rule['remote_group_id'])


class GroupsTest(network_fakes.NetworkAPITestCase):

    def default_group(self, headers=None):
        (group,) = self.get(SG + '?name=default', headers).json[
            'security_groups']
        return group

    def test_default_group_made_on_first_use(self):
        group = self.default_group()
        self.assertEqual(GROUP_KEYS, set(group))
        self.assertEqual(fakes.PROJECT, group['project_id'])
        self.assertEqual(
            sorted([('egress', 'IPv4', None, None),
                    ('egress', 'IPv6', None, None),
                    ('ingress', 'IPv4', None, group['id']),
                    ('ingress', 'IPv6', None, group['id'])]),
            sorted(_shape(r) for r in group['security_group_rules']))
        self.assertEqual(RULE_KEYS,
                         set(group['security_group_rules'][0]))
        self.assertEqual(group, self.default_group())

    def test_create_show_update(self):
        group = self.create_group('web', description='front')
        self.assertEqual(('web', 'front'), (group['name'],
                                            group['description']))
        self.assertEqual([('egress', 'IPv4', None, None),
                          ('egress', 'IPv6', None, None)],
                         [_shape(r) for r in group['security_group_rules']])
        resp = self.put(SG + '/' + group['id'], {'security_group': {
            'name': 'web2', 'description': 'back'}})
        self.assertEqual(200, resp.status_code, resp.json)
        updated = resp.json['security_group']
        self.assertEqual(('web2', 'back', 1), (
            updated['name'], updated['description'],
            updated['revision_number']))
        shown = self.get(SG + '/' + group['id']).json['security_group']
        self.assertEqual(updated, shown)
        listed = self.get(SG + '?fields=name').json['security_groups']
        self.assertEqual([{'name': 'default'}, {'name': 'web2'}], listed)

    def test_default_is_reserved(self):
        self.assertNeutronError(
            self.post(SG, {'security_group': {'name': 'default'}}), 409,
            'SecurityGroupDefaultAlreadyExists')
        web = self.create_group()
        self.assertNeutronError(
            self.put(SG + '/' + web['id'], {'security_group': {
                'name': 'Default'}}), 409,
            'SecurityGroupDefaultAlreadyExists')
        default = self.default_group()
        self.assertNeutronError(
            self.put(SG + '/' + default['id'], {'security_group': {
                'name': 'other'}}), 409, 'SecurityGroupCannotUpdateDefault')
        self.assertNeutronError(self.delete(SG + '/' + default['id']), 409,
                                'SecurityGroupCannotRemoveDefault')
        self.assertEqual(204, self.delete(SG + '/' + default['id'],
                                          fakes.ADMIN).status_code)

    def test_bad_bodies(self):
        self.assertNeutronError(self.post(SG, {'name': 'x'}), 400,
                                'HTTPBadRequest')
        self.assertNeutronError(
            self.post(SG, {'security_group': {'name': 'x', 'color': 1}}),
            400, 'HTTPBadRequest', "Unrecognized attribute(s) 'color'")
        self.assertNeutronError(
            self.post(SG, {'security_group': {'name': 'x' * 256}}), 400,
            'HTTPBadRequest')
        self.assertNeutronError(
            self.post(SG, raw=b'{', body=None), 400, 'HTTPBadRequest')
        web = self.create_group()
        self.assertNeutronError(
            self.put(SG + '/' + web['id'], {'security_group': {'id': 'x'}}),
            400, 'HTTPBadRequest')

    def test_projects_and_roles(self):
        web = self.create_group()
        self.assertNeutronError(self.get(SG + '/' + web['id'], fakes.OTHER),
                                404, 'SecurityGroupNotFound')
        self.assertNotIn(web['id'], [g['id'] for g in self.get(
            SG, fakes.OTHER).json['security_groups']])
        self.assertIn(web['id'], [g['id'] for g in self.get(
            SG, fakes.ADMIN).json['security_groups']])
        self.assertNeutronError(
            self.post(SG, {'security_group': {'name': 'x'}}, fakes.READER),
            403, 'PolicyNotAuthorized', 'create_security_group')
        self.assertNeutronError(
            self.delete(SG + '/' + web['id'], fakes.READER), 403,
            'PolicyNotAuthorized')
        self.assertNeutronError(
            self.post(SG, {'security_group': {
                'name': 'x', 'project_id': fakes.OTHER_PROJECT}}), 403,
            'PolicyNotAuthorized')
        resp = self.post(SG, {'security_group': {
            'name': 'theirs', 'project_id': fakes.OTHER_PROJECT}},
            fakes.ADMIN)
        self.assertEqual(fakes.OTHER_PROJECT,
                         resp.json['security_group']['project_id'])

    def test_delete_takes_rules_and_remote_rules(self):
        web, db = self.create_group('web'), self.create_group('db')
        rule = self.create_rule(db['id'], remote_group_id=web['id'],
                                protocol='tcp', port_range_min=5432,
                                port_range_max=5432)
        self.assertEqual(web['id'], rule['remote_group_id'])
        self.assertEqual(204, self.delete(SG + '/' + web['id']).status_code)
        self.assertNeutronError(self.get(RULES + '/' + rule['id']), 404,
                                'SecurityGroupRuleNotFound')
        self.assertNeutronError(self.get(SG + '/' + web['id']), 404,
                                'SecurityGroupNotFound')
        self.assertNeutronError(self.delete(SG + '/' + web['id']), 404,
                                'SecurityGroupNotFound')


class RulesTest(network_fakes.NetworkAPITestCase):

    def setUp(self):
        super().setUp()
        self.group = self.create_group()

    def test_create_show_delete(self):
        rule = self.create_rule(self.group['id'], protocol='TCP',
                                port_range_min=22, port_range_max=22,
                                remote_ip_prefix='10.1.2.3/8',
                                description='ssh')
        self.assertEqual(RULE_KEYS, set(rule))
        self.assertEqual(('ingress', 'IPv4', 'tcp', 22, 22, '10.1.2.3/8',
                          None, 'ssh', fakes.PROJECT),
                         (rule['direction'], rule['ethertype'],
                          rule['protocol'], rule['port_range_min'],
                          rule['port_range_max'], rule['remote_ip_prefix'],
                          rule['remote_group_id'], rule['description'],
                          rule['project_id']))
        url = RULES + '/' + rule['id']
        self.assertEqual(rule, self.get(url).json['security_group_rule'])
        group = self.get(SG + '/' + self.group['id']).json['security_group']
        self.assertIn(rule, group['security_group_rules'])
        self.assertEqual(1, group['revision_number'])
        listed = self.get(RULES + '?security_group_id=' + self.group['id']
                          + '&direction=ingress').json
        self.assertEqual([rule], listed['security_group_rules'])
        self.assertNeutronError(self.get(url, fakes.OTHER), 404,
                                'SecurityGroupRuleNotFound')
        self.assertNeutronError(self.delete(url, fakes.READER), 403,
                                'PolicyNotAuthorized')
        self.assertEqual(204, self.delete(url).status_code)
        self.assertNeutronError(self.delete(url), 404,
                                'SecurityGroupRuleNotFound')
        self.assertEqual(405, self.put(url, {}).status_code)

    def test_protocols(self):
        cases = [(17, '17'), ('icmp', 'icmp'), ('any', None), (None, None),
                 ('ipv6-icmp', 'ipv6-icmp')]
        for given, stored in cases:
            ethertype = 'IPv6' if given == 'ipv6-icmp' else 'ipv4'
            group = self.create_group('g%s' % given)
            rule = self.create_rule(group['id'], protocol=given,
                                    ethertype=ethertype)
            self.assertEqual(stored, rule['protocol'])

    def test_icmp_type_and_code(self):
        rule = self.create_rule(self.group['id'], protocol='icmp',
                                port_range_min=8, port_range_max=0)
        self.assertEqual((8, 0), (rule['port_range_min'],
                                  rule['port_range_max']))

    def test_invalid_rules(self):
        gid = self.group['id']
        cases = [
            (dict(direction='sideways'), 'direction'),
            (dict(ethertype='IPv5'), 'ethertype'),
            (dict(protocol='bogus'), 'protocol bogus'),
            (dict(protocol=256), 'protocol'),
            (dict(protocol='tcp', port_range_min=-16, port_range_max=80),
             'Invalid value for port -16'),
            (dict(protocol='tcp', port_range_min=80, port_range_max=79),
             'port_range_min must be <= port_range_max'),
            (dict(protocol='tcp', port_range_max=6),
             'port_range_min must be <= port_range_max'),
            (dict(protocol='tcp', port_range_min=80, port_range_max=65536),
             'Invalid value for port 65536'),
            (dict(protocol='icmp', port_range_min=1, port_range_max=256),
             'Invalid value for ICMP code'),
            (dict(protocol='icmp', port_range_min=300, port_range_max=1),
             'Invalid value for ICMP type'),
            (dict(protocol='icmp', port_range_max=6),
             'ICMP type (port-range-min) is missing'),
            (dict(protocol='gre', port_range_min=1, port_range_max=2),
             'only supported'),
            (dict(port_range_min=1, port_range_max=2), 'protocol is '
             'required'),
            (dict(protocol='ipv6-icmp'), 'only supported with ethertype'),
            (dict(remote_ip_prefix='300.1.1.1/8'), 'not a valid IP'),
            (dict(remote_ip_prefix='::/0'), 'conflicting value'),
            (dict(remote_ip_prefix='10.0.0.0/8', remote_group_id=gid),
             'only remote_ip_prefix or remote_group_id'),
            (dict(color='red'), 'Unrecognized attribute'),
        ]
        for rule, message in cases:
            self.assertNeutronError(self.post_rule(gid, **rule), 400,
                                    'HTTPBadRequest', message)

    def test_unknown_groups(self):
        self.assertNeutronError(self.post_rule('nope'), 404,
                                'SecurityGroupNotFound')
        self.assertNeutronError(
            self.post_rule(self.group['id'], remote_group_id='nope'), 404,
            'SecurityGroupNotFound')
        self.assertNeutronError(self.post_rule(self.group['id'],
                                               fakes.OTHER),
                                404, 'SecurityGroupNotFound')
        self.assertNeutronError(self.post_rule(self.group['id'],
                                               fakes.READER),
                                403, 'PolicyNotAuthorized')

    def test_duplicates(self):
        gid = self.group['id']
        first = self.create_rule(gid, protocol='tcp', port_range_min=22,
                                 port_range_max=22)
        message = self.assertNeutronError(
            self.post_rule(gid, protocol='6', port_range_min=22,
                           port_range_max=22, description='again'),
            409, 'SecurityGroupRuleExists',
            'Security group rule already exists')
        self.assertIn(first['id'], message)
        egress_any = [r for r in self.group['security_group_rules']
                      if r['ethertype'] == 'IPv4'][0]
        self.assertNeutronError(
            self.post_rule(gid, direction='egress',
                           remote_ip_prefix='0.0.0.0/0'),
            409, 'SecurityGroupRuleExists', egress_any['id'])
        self.create_rule(gid, protocol='udp', port_range_min=53,
                         port_range_max=53, remote_ip_prefix='10.0.0.1/8')
        self.assertNeutronError(
            self.post_rule(gid, protocol='udp', port_range_min=53,
                           port_range_max=53, remote_ip_prefix='10.9.9.9/8'),
            409, 'SecurityGroupRuleExists')
        host = self.create_rule(gid, protocol='udp', port_range_min=53,
                                port_range_max=53,
                                remote_ip_prefix='192.0.2.1')
        self.assertEqual('192.0.2.1/32', host['remote_ip_prefix'])
        self.create_rule(gid, protocol='icmp', ethertype='IPv6')
        self.assertNeutronError(
            self.post_rule(gid, protocol='ipv6-icmp', ethertype='IPv6'),
            409, 'SecurityGroupRuleExists')
        self.create_rule(gid, protocol='tcp', port_range_min=22,
                         port_range_max=22, direction='egress')


class ServerGroupsTest(network_fakes.NetworkAPITestCase):
    """Security groups of servers (compute API "Create Server")."""

    def server(self, server_id):
        return self.get('/v2.1/servers/' + server_id).json['server']

    def test_servers_in_groups(self):
        web = self.create_group('web')
        body = {'server': {'name': 's', 'imageRef': fakes.IMAGE_UUID,
                           'flavorRef': '1', 'security_groups': [
                               {'name': 'web'}, {'name': 'default'},
                               {'name': 'web'}]}}
        resp = self.post('/v2.1/servers', body)
        self.assertEqual(202, resp.status_code, resp.json)
        self.assertEqual([{'name': 'web'}, {'name': 'default'}],
                         resp.json['server']['security_groups'])
        server_id = resp.json['server']['id']
        network_fakes.network_db.fixed_ip_allocate(
            self.api.admin_context, self.api.network['id'], server_id)
        self.assertEqual([{'name': 'default'}, {'name': 'web'}],
                         self.server(server_id)['security_groups'])
        (port,) = self.get(network_fakes.V2 + '/ports').json['ports']
        default = self.get(SG + '?name=default').json['security_groups'][0]
        self.assertEqual([default['id'], web['id']],
                         port['security_groups'])
        by_id, _ = self.boot(security_groups=[{'name': web['id']}])
        self.assertEqual([{'name': 'web'}],
                         self.server(by_id)['security_groups'])

    def test_unknown_and_ambiguous_groups(self):
        self.assertFault(self.post('/v2.1/servers', {'server': {
            'name': 's', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
            'security_groups': [{'name': 'nope'}]}}), 400, 'badRequest',
            'security group nope not found')
        self.create_group('twin', description='1')
        self.create_group('twin', description='2')
        self.assertFault(self.post('/v2.1/servers', {'server': {
            'name': 's', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
            'security_groups': [{'name': 'twin'}]}}), 409,
            'conflictingRequest', 'twin')
        self.assertEqual(0, self.api.count_instances())

    def test_group_in_use_until_the_server_is_gone(self):
        web = self.create_group('web')
        server_id, _ = self.boot(security_groups=[{'name': 'web'}])
        self.assertNeutronError(self.delete(SG + '/' + web['id']), 409,
                                'SecurityGroupInUse', web['id'])
        self.destroy(server_id)
        self.assertEqual(204, self.delete(SG + '/' + web['id']).status_code)

    def test_server_without_groups_is_in_default(self):
        server_id, _ = self.boot()
        self.assertEqual([{'name': 'default'}],
                         self.server(server_id)['security_groups'])
        default = self.get(SG + '?name=default').json['security_groups'][0]
        self.assertNeutronError(self.delete(SG + '/' + default['id'],
                                            fakes.ADMIN),
                                409, 'SecurityGroupInUse')
