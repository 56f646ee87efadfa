"""CloudStack security group commands over the Networking API's groups:
create/update/delete/list, authorize/revoke ingress and egress (rules
the Networking API then lists, refresh through port_security),
parameter checks (431), ownership (another account's group is unknown),
events, and deployVirtualMachine's security groups and networks."""
from unittest import mock

import fixtures
from oslo_policy import policy as oslo_policy

from nova_lite import context as nl_context
from nova_lite import policy
from nova_lite.network import port_security
from nova_lite.network import security_groups as sg_api
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes


class _SGTestCase(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.conductor.rpcapi.ConductorAPI.build_instances',
            lambda *args, **kwargs: None))
        self.refresh = self.useFixture(fixtures.MockPatch(
            'nova_lite.network.port_security.refresh_rules',
            wraps=port_security.refresh_rules)).mock

    def ok(self, command, **params):
        status, body = self.json(command, **params)
        self.assertEqual(200, status, body)
        return body[command.lower() + 'response']

    def refused(self, code, command, *needles, **params):
        status, body = self.json(command, **params)
        self.assertEqual(code, status, body)
        error = body[command.lower() + 'response']
        self.assertEqual(code, error['errorcode'])
        for needle in needles:
            self.assertIn(needle, error['errortext'])
        return error

    def job_result(self, answer):
        job = self.ok('queryAsyncJobResult', jobid=answer['jobid'])
        self.assertEqual((1, 'SecurityGroup'), (job['jobstatus'],
                                                job['jobinstancetype']))
        return job['jobresult']

    def create(self, name, **params):
        return self.ok('createSecurityGroup', name=name,
                       **params)['securitygroup']

    def groups(self, **params):
        return self.ok('listSecurityGroups', **params).get(
            'securitygroup', [])

    def rules(self, group_id):
        return self.api.request('GET', '/network/v2.0/security-groups/%s'
                                % group_id).json['security_group'][
            'security_group_rules']


class GroupCommandsTest(_SGTestCase):

    def test_create_list_update_delete(self):
        web = self.create('web', description='web servers')
        self.assertEqual(('web', 'web servers', 'project-a', []),
                         (web['name'], web['description'], web['account'],
                          web['ingressrule']))
        self.assertEqual({('all', '0.0.0.0/0'), ('all', '::/0')},
                         {(r['protocol'], r['cidr'])
                          for r in web['egressrule']})
        names = {g['name'] for g in self.groups()}
        self.assertEqual({'default', 'web'}, names)
        (found,) = self.groups(securitygroupname='web')
        self.assertEqual(web['id'], found['id'])
        self.assertEqual([web['id']], [g['id'] for g in self.groups(
            id=web['id'])])
        self.assertEqual(['web'], [g['name'] for g in self.groups(
            keyword='WEB')])
        page = self.ok('listSecurityGroups', page='1', pagesize='1')
        self.assertEqual((2, 1), (page['count'],
                                  len(page['securitygroup'])))
        renamed = self.ok('updateSecurityGroup', id=web['id'],
                          name='www')['securitygroup']
        self.assertEqual('www', renamed['name'])
        self.assertEqual({'success': True}, self.ok(
            'deleteSecurityGroup', name='www'))
        self.assertEqual({'default'}, {g['name'] for g in self.groups()})

    def test_errors(self):
        self.refused(431, 'createSecurityGroup', 'name')
        self.create('web')
        self.refused(431, 'createSecurityGroup', 'already exists',
                     name='web')
        self.refused(431, 'createSecurityGroup', 'default', name='default')
        self.refused(431, 'deleteSecurityGroup', 'missing parameter id')
        self.refused(431, 'deleteSecurityGroup', 'no such', name='nope')
        self.refused(431, 'deleteSecurityGroup', 'not a UUID', id='x')
        self.refused(431, 'deleteSecurityGroup', 'default',
                     name='default')
        default = self.groups(securitygroupname='default')[0]
        self.refused(431, 'updateSecurityGroup', 'renamed',
                     id=default['id'], name='other')
        other = self.create('other')
        self.refused(431, 'updateSecurityGroup', 'of that name',
                     id=other['id'], name='web')
        self.refused(431, 'createSecurityGroup', "caller's project",
                     name='x', projectid='6b0a8f4e-53c4-4a56-8a11-'
                     '3a2b1d0f0e01')

    def test_another_accounts_group_is_unknown(self):
        other_ctx = nl_context.RequestContext(user_id='user-b',
                                              project_id='project-b')
        theirs = sg_api.create_group(other_ctx, 'project-b', 'theirs', '')
        self.assertNotIn('theirs', {g['name'] for g in self.groups()})
        self.assertEqual(['default'], [g['name'] for g in self.groups(
            listall='true')])
        self.refused(431, 'deleteSecurityGroup', 'no such',
                     id=theirs['uuid'])
        self.refused(431, 'authorizeSecurityGroupIngress', 'no such',
                     securitygroupid=theirs['uuid'], protocol='tcp',
                     startport='22', cidrlist='0.0.0.0/0')
        rule = theirs['rules'][0]
        self.refused(431, 'revokeSecurityGroupEgress', 'no such',
                     id=rule['uuid'])
        self.assertEqual(2, len(sg_api.with_rules(
            other_ctx, [theirs])[0]['rules']))

    def test_member_in_use_and_vm_filter(self):
        web = self.create('web')
        zone = self.json('listZones')[1]['listzonesresponse']['zone'][0]
        vm = self.ok('deployVirtualMachine', serviceofferingid='1',
                     templateid=fakes.IMAGE_UUID, zoneid=zone['id'],
                     securitygroupnames='web')
        (group,) = self.groups(virtualmachineid=vm['id'])
        self.assertEqual((web['id'], 1, [vm['id']]), (
            group['id'], group['virtualmachinecount'],
            group['virtualmachineids']))
        self.refused(536, 'deleteSecurityGroup', 'in use', id=web['id'])
        (listed,) = self.ok('listVirtualMachines', id=vm['id'])[
            'virtualmachine']
        self.assertEqual([('web', web['id'])], [
            (g['name'], g['id']) for g in listed['securitygroup']])


class AdminListTest(_SGTestCase):

    roles = ['admin', 'member', 'reader']

    def test_listall(self):
        other_ctx = nl_context.RequestContext(user_id='user-b',
                                              project_id='project-b')
        sg_api.create_group(other_ctx, 'project-b', 'theirs', '')
        self.assertNotIn('theirs', {g['name'] for g in self.groups()})
        found = {g['name']: g['account']
                 for g in self.groups(listall='true')}
        self.assertEqual('project-b', found['theirs'])
        self.assertEqual(['theirs'], [g['name'] for g in self.groups(
            listall='true', account='project-b', securitygroupname='theirs')])


class RuleCommandsTest(_SGTestCase):

    def setUp(self):
        super().setUp()
        self.web = self.create('web')

    def authorize(self, direction='Ingress', **params):
        params.setdefault('securitygroupid', self.web['id'])
        answer = self.ok('authorizeSecurityGroup' + direction, **params)
        return self.job_result(answer)['securitygroup']

    def test_tcp_ingress_is_a_networking_api_rule(self):
        group = self.authorize(protocol='TCP', startport='22',
                               endport='22', cidrlist='0.0.0.0/0,10.0.0.0/8')
        self.assertEqual({('tcp', 22, 22, '0.0.0.0/0'),
                          ('tcp', 22, 22, '10.0.0.0/8')},
                         {(r['protocol'], r['startport'], r['endport'],
                           r['cidr']) for r in group['ingressrule']})
        rules = [r for r in self.rules(self.web['id'])
                 if r['direction'] == 'ingress']
        self.assertEqual({('tcp', 22, 22, '0.0.0.0/0', 'IPv4'),
                          ('tcp', 22, 22, '10.0.0.0/8', 'IPv4')},
                         {(r['protocol'], r['port_range_min'],
                           r['port_range_max'], r['remote_ip_prefix'],
                           r['ethertype']) for r in rules})
        self.assertTrue(self.refresh.called)
        # The same rule again changes nothing.
        again = self.authorize(protocol='tcp', startport='22',
                               cidrlist='0.0.0.0/0')
        self.assertEqual(2, len(again['ingressrule']))
        events = self.ok('listEvents', type='SG.AUTH.INGRESS')['event']
        self.assertEqual({('SecurityGroup', self.web['id'])},
                         {(e['resourcetype'], e['resourceid'])
                          for e in events})
        self.assertEqual(2, len(events))

    def test_icmp_all_udp_ipv6_and_groups(self):
        self.create('db')
        group = self.authorize(protocol='icmp', icmptype='8',
                               icmpcode='-1', cidrlist='::/0')
        (icmp,) = group['ingressrule']
        self.assertEqual(('icmp', 8, -1, 'IPv6', '::/0'), (
            icmp['protocol'], icmp['icmptype'], icmp['icmpcode'],
            icmp['ethertype'], icmp['cidr']))
        group = self.authorize(**{
            'protocol': 'all', 'usersecuritygrouplist[0].group': 'db',
            'usersecuritygrouplist[0].account': 'project-a'})
        by_group = [r for r in group['ingressrule']
                    if 'securitygroupname' in r]
        self.assertEqual([('all', 'db', 'project-a')], [
            (r['protocol'], r['securitygroupname'], r['account'])
            for r in by_group])
        group = self.authorize('Egress', protocol='udp', startport='53',
                               endport='53', cidrlist='10.0.0.0/8')
        self.assertIn(('udp', 53, 53, '10.0.0.0/8'), {
            (r['protocol'], r.get('startport'), r.get('endport'),
             r['cidr']) for r in group['egressrule']})

    def test_bad_parameters_are_431_and_store_nothing(self):
        before = len(self.rules(self.web['id']))
        for needle, params in (
                ('startport', {'protocol': 'tcp', 'cidrlist': '0.0.0.0/0'}),
                ('protocol', {'protocol': 'gre2', 'cidrlist': '0.0.0.0/0'}),
                ('endport', {'protocol': 'tcp', 'startport': '30',
                             'endport': '20', 'cidrlist': '0.0.0.0/0'}),
                ('startport', {'protocol': 'tcp', 'startport': '70000',
                               'cidrlist': '0.0.0.0/0'}),
                ('icmpcode', {'protocol': 'icmp', 'icmpcode': '3',
                              'cidrlist': '0.0.0.0/0'}),
                ('icmptype', {'protocol': 'tcp', 'startport': '1',
                              'icmptype': '3', 'cidrlist': '0.0.0.0/0'}),
                ('startport', {'protocol': 'all', 'startport': '1',
                               'cidrlist': '0.0.0.0/0'}),
                ('cidrlist', {'protocol': 'tcp', 'startport': '22',
                              'cidrlist': '0.0.0.0/0,not-a-cidr'}),
                ('at least one', {'protocol': 'tcp', 'startport': '22'}),
                ('usersecuritygrouplist', {
                    'protocol': 'tcp', 'startport': '22',
                    'usersecuritygrouplist[0].group': 'nope'}),
                ('account', {
                    'protocol': 'tcp', 'startport': '22',
                    'usersecuritygrouplist[0].group': 'web',
                    'usersecuritygrouplist[0].account': 'someone-else'}),
                ('securitygroupid', {'securitygroupid': 'x',
                                     'cidrlist': '0.0.0.0/0'})):
            params.setdefault('securitygroupid', self.web['id'])
            self.refused(431, 'authorizeSecurityGroupIngress', needle,
                         **params)
        self.assertEqual(before, len(self.rules(self.web['id'])))

    def test_revoke(self):
        group = self.authorize(protocol='tcp', startport='80',
                               cidrlist='0.0.0.0/0')
        (rule,) = group['ingressrule']
        egress = self.web['egressrule'][0]['ruleid']
        self.refused(431, 'revokeSecurityGroupIngress', 'not an ingress',
                     id=egress)
        self.refused(431, 'revokeSecurityGroupEgress', 'not an egress',
                     id=rule['ruleid'])
        self.refused(431, 'revokeSecurityGroupIngress', 'missing', id='')
        self.refresh.reset_mock()
        answer = self.ok('revokeSecurityGroupIngress', id=rule['ruleid'])
        self.assertEqual({'success': True}, self.job_result(answer))
        self.refresh.assert_called_once_with(mock.ANY, [mock.ANY])
        (listed,) = self.groups(id=self.web['id'])
        self.assertEqual([], listed['ingressrule'])
        self.refused(431, 'revokeSecurityGroupIngress', 'no such',
                     id=rule['ruleid'])
        self.ok('revokeSecurityGroupEgress', id=egress)
        types = [e['type'] for e in self.ok('listEvents')['event']]
        self.assertEqual(['SG.CREATE', 'SG.AUTH.INGRESS',
                          'SG.REVOKE.INGRESS', 'SG.REVOKE.EGRESS'], types)


class ReaderTest(_SGTestCase):

    roles = ['reader']

    def test_reader_lists_but_cannot_change(self):
        self.assertEqual(['default'], [g['name'] for g in self.groups()])
        self.refused(432, 'createSecurityGroup', name='web')
        self.refused(432, 'authorizeSecurityGroupIngress',
                     securitygroupname='default', cidrlist='0.0.0.0/0',
                     startport='22')


class PolicyTest(_SGTestCase):
    """The Networking API's policy rules apply to the commands."""

    def test_networking_api_rules_are_checked(self):
        web = self.create('web')
        enforcer = policy.get_enforcer()
        enforcer.load_rules()
        enforcer.set_rules(oslo_policy.Rules.from_dict({
            'create_security_group_rule': 'role:admin',
            'create_security_group': 'role:admin'}),
            overwrite=False, use_conf=False)
        self.addCleanup(policy.reset)
        self.refused(531, 'authorizeSecurityGroupIngress',
                     securitygroupid=web['id'], startport='22',
                     cidrlist='0.0.0.0/0')
        self.refused(531, 'createSecurityGroup', name='db')
        (listed,) = self.groups(id=web['id'])
        self.assertEqual([], listed['ingressrule'])


class DeployTest(_SGTestCase):

    def setUp(self):
        super().setUp()
        self.zone = self.json('listZones')[1]['listzonesresponse']['zone'][
            0]['id']

    def deploy(self, **params):
        return self.json('deployVirtualMachine', serviceofferingid='1',
                         templateid=fakes.IMAGE_UUID, zoneid=self.zone,
                         **params)

    def test_security_group_parameters(self):
        web = self.create('web')
        status, body = self.deploy(securitygroupids=web['id'],
                                   securitygroupnames='web')
        self.assertEqual(431, status, body)
        self.assertIn('not both', body['deployvirtualmachineresponse'][
            'errortext'])
        status, body = self.deploy(securitygroupnames='nope')
        self.assertEqual(431, status, body)
        status, body = self.deploy(securitygroupids=web['id'])
        self.assertEqual(200, status, body)
        vm_id = body['deployvirtualmachineresponse']['id']
        (vm,) = self.ok('listVirtualMachines', id=vm_id)['virtualmachine']
        self.assertEqual(['web'], [g['name'] for g in vm['securitygroup']])
        status, body = self.deploy()
        vm_id = body['deployvirtualmachineresponse']['id']
        (vm,) = self.ok('listVirtualMachines', id=vm_id)['virtualmachine']
        self.assertEqual(['default'],
                         [g['name'] for g in vm['securitygroup']])

    def test_ip_to_network_list(self):
        offering = self.ok('listNetworkOfferings')['networkoffering'][0]
        net = self.ok('createNetwork', name='app', zoneid=self.zone,
                      networkofferingid=offering['id'], gateway='10.7.0.1',
                      netmask='255.255.255.0')['network']
        status, body = self.deploy(**{
            'iptonetworklist[0].networkid': net['id'],
            'iptonetworklist[0].ip': '10.7.0.50'})
        self.assertEqual(200, status, body)
        status, body = self.deploy(**{
            'networkids': net['id'],
            'iptonetworklist[0].networkid': net['id']})
        self.assertEqual(431, status, body)
        status, body = self.deploy(**{'iptonetworklist[0].ip': '10.7.0.9'})
        self.assertEqual(431, status, body)
        self.assertIn('networkid', body['deployvirtualmachineresponse'][
            'errortext'])


class ListApisAndMapTest(_SGTestCase):

    def test_list_apis_declares_the_commands(self):
        apis = {a['name']: a for a in self.ok('listApis')['api']}
        for name, is_async in (('createSecurityGroup', False),
                               ('updateSecurityGroup', False),
                               ('deleteSecurityGroup', False),
                               ('listSecurityGroups', False),
                               ('authorizeSecurityGroupIngress', True),
                               ('authorizeSecurityGroupEgress', True),
                               ('revokeSecurityGroupIngress', True),
                               ('revokeSecurityGroupEgress', True)):
            self.assertEqual(is_async, apis[name]['isasync'], name)
        params = {p['name']: p['type'] for p in apis[
            'authorizeSecurityGroupIngress']['params']}
        self.assertEqual(('map', 'list', 'integer'), (
            params['usersecuritygrouplist'], params['cidrlist'],
            params['startport']))
        deploy = {p['name'] for p in apis['deployVirtualMachine']['params']}
        self.assertTrue({'securitygroupids', 'securitygroupnames',
                         'iptonetworklist'} <= deploy)

    def test_map_entries(self):
        from nova_lite.api.cloudstack import params as P
        param = P.Parameter('usersecuritygrouplist', P.MAP)
        raw = {'usersecuritygrouplist[1].group': 'b',
               'usersecuritygrouplist[0].group': 'a',
               'usersecuritygrouplist[0].account': 'acct',
               'usersecuritygrouplistx[0].group': 'ignored'}
        self.assertEqual([{'group': 'a', 'account': 'acct'},
                          {'group': 'b'}],
                         P.validate('x', [param], raw)[param.name])
        self.assertIsNone(P.validate('x', [param], {})[param.name])
        many = {'usersecuritygrouplist[%d].group' % i: 'g'
                for i in range(P.MAX_MAP_ENTRIES + 1)}
        from nova_lite.api.cloudstack import errors
        self.assertRaises(errors.InvalidParameter, P.validate, 'x',
                          [param], many)
