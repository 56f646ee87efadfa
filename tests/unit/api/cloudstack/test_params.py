"""The command table and parameter validation of the CloudStack API."""
import testtools

from nova_lite.api.cloudstack import commands  # noqa: F401
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack import registry

UUID = '2b7d8a4e-2f8c-4c1a-9a51-0d1f2b3c4d5e'


class ParameterTest(testtools.TestCase):

    def validate(self, declared, raw):
        return P.validate('deployVirtualMachine', declared, raw)

    def assertInvalid(self, declared, raw, *needles):
        exc = self.assertRaises(errors.InvalidParameter, self.validate,
                                declared, raw)
        self.assertEqual(431, exc.code)
        self.assertEqual(4350, exc.cs_code)
        for needle in needles:
            self.assertIn(needle, exc.text)
        return exc

    def test_missing_required_names_it(self):
        self.assertInvalid([P.Parameter('templateid', P.UUID,
                                        required=True)], {},
                           'missing parameter templateid',
                           'deployvirtualmachine')

    def test_empty_value_counts_as_missing(self):
        self.assertInvalid([P.Parameter('name', required=True)],
                           {'name': ''}, 'missing parameter name')

    def test_types(self):
        declared = [P.Parameter('id', P.UUID), P.Parameter('n', P.INTEGER),
                    P.Parameter('b', P.BOOLEAN),
                    P.Parameter('ids', P.LIST, item_type=P.UUID),
                    P.Parameter('s', default='dflt')]
        values = self.validate(declared, {
            'id': UUID.upper(), 'n': ' 42', 'b': 'True',
            'ids': '%s, %s' % (UUID, UUID)})
        self.assertEqual({'id': UUID, 'n': 42, 'b': True,
                          'ids': [UUID, UUID], 's': 'dflt'}, values)

    def test_malformed_values_name_the_parameter(self):
        cases = [(P.Parameter('id', P.UUID), 'nope', 'not a UUID'),
                 (P.Parameter('n', P.INTEGER), '1.5', 'not an integer'),
                 (P.Parameter('n', P.INTEGER), str(2 ** 31), 'range'),
                 (P.Parameter('p', P.INTEGER, minimum=1), '0', 'range'),
                 (P.Parameter('b', P.BOOLEAN), 'maybe', 'boolean'),
                 (P.Parameter('l', P.LIST, item_type=P.UUID), 'a,b',
                  'not a UUID'),
                 (P.Parameter('l', P.LIST), ' , ', 'empty list'),
                 (P.Parameter('s', length=3), 'abcd', 'longer than 3'),
                 (P.Parameter('c', choices=('x', 'y')), 'z', 'one of x')]
        for param, raw, reason in cases:
            exc = self.assertInvalid([param], {param.name: raw}, reason)
            self.assertIn('parameter %s' % param.name, exc.text)

    def test_choices_are_case_insensitive(self):
        declared = [P.Parameter('state', choices=('running', 'stopped'))]
        self.assertEqual({'state': 'running'},
                         self.validate(declared, {'state': 'Running'}))

    def test_lower_keys_keeps_first_value(self):
        from werkzeug import datastructures
        multi = datastructures.MultiDict([('Name', 'a'), ('name', 'b'),
                                          ('X', '1')])
        self.assertEqual({'name': 'a', 'x': '1'}, P.lower_keys(multi))

    def test_names_must_be_lower_case(self):
        self.assertRaises(ValueError, P.Parameter, 'zoneId')
        self.assertRaises(ValueError, P.Parameter, 'x', 'float')


class CommandTableTest(testtools.TestCase):

    def test_issue_commands_are_declared(self):
        wanted = {
            'listZones': False, 'listServiceOfferings': False,
            'listTemplates': False, 'listNetworks': False,
            'deployVirtualMachine': True, 'listVirtualMachines': False,
            'startVirtualMachine': True, 'stopVirtualMachine': True,
            'rebootVirtualMachine': True, 'destroyVirtualMachine': True,
            'createAffinityGroup': True, 'listAffinityGroups': False,
            'deleteAffinityGroup': True, 'createSSHKeyPair': False,
            'registerSSHKeyPair': False, 'listSSHKeyPairs': False,
            'deleteSSHKeyPair': False, 'registerUserKeys': False,
            'listCapabilities': False, 'listApis': False,
            'listHosts': False, 'listCapacity': False, 'login': False,
            'queryAsyncJobResult': False, 'listAsyncJobs': False,
            'listEvents': False,
        }
        for name, is_async in wanted.items():
            cmd = registry.lookup(name)
            self.assertIsNotNone(cmd, name)
            self.assertEqual(name, cmd.name)
            self.assertEqual(is_async, cmd.is_async, name)

    def test_roles(self):
        self.assertEqual(registry.ADMIN, registry.lookup('listHosts').role)
        self.assertEqual(registry.ADMIN,
                         registry.lookup('listCapacity').role)
        self.assertEqual(registry.ANONYMOUS, registry.lookup('login').role)
        self.assertEqual(registry.MEMBER,
                         registry.lookup('deployVirtualMachine').role)
        self.assertEqual(registry.READER,
                         registry.lookup('listVirtualMachines').role)

    def test_every_command_is_documented_and_typed(self):
        for cmd in registry.COMMANDS.values():
            self.assertTrue(cmd.description, cmd.name)
            self.assertIn(cmd.role, registry.ROLE_RULES.keys() |
                          {registry.ANONYMOUS})
            names = [p.name for p in cmd.params]
            self.assertEqual(len(names), len(set(names)), cmd.name)
            self.assertFalse(set(names) & P.ENVELOPE, cmd.name)

    def test_lookup_is_case_insensitive_and_unknown_is_none(self):
        self.assertIs(registry.lookup('listZones'),
                      registry.lookup('LISTZONES'))
        self.assertIsNone(registry.lookup('dropDatabase'))
        self.assertIsNone(registry.lookup(None))

    def test_list_commands_take_page_parameters(self):
        names = [p.name for p in registry.lookup('listVirtualMachines')
                 .params]
        for name in ('page', 'pagesize', 'keyword'):
            self.assertIn(name, names)

    def test_declaring_twice_fails(self):
        self.assertRaises(ValueError, registry.command('listZones'),
                          lambda request: {})

    def test_describe_for_list_apis(self):
        api = registry.lookup('deployVirtualMachine').describe()
        self.assertTrue(api['isasync'])
        required = {p['name'] for p in api['params'] if p['required']}
        self.assertEqual({'serviceofferingid', 'templateid', 'zoneid'},
                         required)
