"""listAccounts, listDomains and listUsers: read-only views of Keystone
(projects, domains, users and their effective role assignments),
everything for admins, the caller's own account and domain for others;
and the KeystoneClient calls behind them."""
import fixtures
import testtools

from nova_lite.api.cloudstack import keystone
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes


class DirectoryKeystone(test_endpoint.FakeKeystone):
    """A Keystone with two domains, three projects and three users."""

    projects = [
        {'id': fakes.PROJECT, 'name': 'project-a', 'domain_id': 'default'},
        {'id': 'proj-ops', 'name': 'ops', 'domain_id': 'default'},
        {'id': 'proj-eng', 'name': 'eng', 'domain_id': 'dom-eng',
         'enabled': False}]
    domains = [{'id': 'default', 'name': 'Default'},
               {'id': 'dom-eng', 'name': 'Engineering'}]
    users = [{'id': fakes.USER, 'name': 'user-a', 'domain_id': 'default',
              'email': 'a@example.org'},
             {'id': 'u-ops', 'name': 'root', 'domain_id': 'default'},
             {'id': 'u-idle', 'name': 'idle', 'domain_id': 'dom-eng'}]
    members = [(fakes.USER, fakes.PROJECT, 'member'),
               ('u-ops', 'proj-ops', 'admin'),
               ('u-ops', fakes.PROJECT, 'reader')]

    def list_projects(self):
        return self.projects

    def list_domains(self):
        return self.domains

    def list_users(self):
        return self.users

    def project_members(self, project_id=None):
        names = {u['id']: u['name'] for u in self.users}
        projects = {p['id']: p['name'] for p in self.projects}
        return [{'user_id': u, 'user_name': names[u], 'project_id': p,
                 'project_name': projects[p], 'role': r}
                for u, p, r in self.members
                if project_id in (None, p)]


class _DirectoryTestCase(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.api.cloudstack.keystone.get_client',
            lambda conf: DirectoryKeystone(self.roles)))

    def listed(self, command, key, **params):
        status, body = self.json(command, **params)
        self.assertEqual(200, status, body)
        return body[command.lower() + 'response'].get(key, [])


class AdminListsTest(_DirectoryTestCase):

    roles = ['admin', 'member', 'reader']

    def test_accounts(self):
        accounts = {a['name']: a for a in self.listed('listAccounts',
                                                      'account')}
        self.assertEqual(['eng', 'ops', 'project-a'], sorted(accounts))
        self.assertEqual((1, 'Admin', ['root']), (
            accounts['ops']['accounttype'], accounts['ops']['roletype'],
            [u['username'] for u in accounts['ops']['user']]))
        self.assertEqual((0, ['user-a', 'root'], 'Default'), (
            accounts['project-a']['accounttype'],
            [u['username'] for u in accounts['project-a']['user']],
            accounts['project-a']['domain']))
        self.assertEqual(('disabled', 'Engineering'), (
            accounts['eng']['state'], accounts['eng']['domain']))
        self.assertEqual(['ops'], [a['name'] for a in self.listed(
            'listAccounts', 'account', accounttype='1')])
        self.assertEqual(['eng'], [a['name'] for a in self.listed(
            'listAccounts', 'account', domainid='dom-eng')])

    def test_domains_and_users(self):
        domains = {d['name']: d for d in self.listed('listDomains',
                                                     'domain')}
        self.assertEqual((0, 'ROOT'), (domains['Default']['level'],
                                       domains['Default']['path']))
        self.assertEqual((1, 'ROOT/Engineering', 'default'), (
            domains['Engineering']['level'], domains['Engineering']['path'],
            domains['Engineering']['parentdomainid']))
        self.assertEqual(['Engineering'], [d['name'] for d in self.listed(
            'listDomains', 'domain', level='1')])
        users = [(u['username'], u['account'], u['accounttype'])
                 for u in self.listed('listUsers', 'user')]
        self.assertEqual([('idle', '', 0), ('root', 'ops', 1),
                          ('root', 'project-a', 0),
                          ('user-a', 'project-a', 0)], users)
        self.assertEqual(['a@example.org'], [u['email'] for u in self.listed(
            'listUsers', 'user', username='user-a')])


class MemberListsTest(_DirectoryTestCase):
    """A member sees its own account, its users and its domain only."""

    def test_own_account_domain_and_users(self):
        self.assertEqual(['project-a'], [a['name'] for a in self.listed(
            'listAccounts', 'account', listall='true')])
        self.assertEqual(['Default'], [d['name'] for d in self.listed(
            'listDomains', 'domain')])
        self.assertEqual(['root', 'user-a'], [u['username'] for u in
                                              self.listed('listUsers',
                                                          'user')])


class KeystoneListingsTest(testtools.TestCase):
    """The identity API requests behind the listings."""

    def setUp(self):
        super().setUp()
        self.client = keystone.KeystoneClient.__new__(keystone.KeystoneClient)
        self.calls = []

        def call(method, path, ok=(200,), **kwargs):
            self.calls.append((method, path, kwargs.get('params')))
            return self.answers[path]
        self.client._call = call

    def test_assignments_projects_users(self):
        self.answers = {
            '/role_assignments': {'role_assignments': [
                {'user': {'id': 'u1', 'name': 'alice'},
                 'scope': {'project': {'id': 'p1', 'name': 'one'}},
                 'role': {'id': 'r', 'name': 'member'}},
                {'group': {'id': 'g'}, 'scope': {'project': {'id': 'p1'}},
                 'role': {'name': 'member'}},
                {'user': {'id': 'u1'}, 'scope': {'domain': {'id': 'd'}},
                 'role': {'name': 'admin'}}]},
            '/projects': {'projects': [{'id': 'p1', 'name': 'one'},
                                       {'id': 'd', 'is_domain': True}]},
            '/users': {'users': [{'id': 'u1'}]}}
        self.assertEqual([{'user_id': 'u1', 'user_name': 'alice',
                           'project_id': 'p1', 'project_name': 'one',
                           'role': 'member'}],
                         self.client.project_members('p1'))
        self.assertEqual(('GET', '/role_assignments', {
            'include_names': '', 'effective': '',
            'scope.project.id': 'p1'}), self.calls[0])
        self.assertEqual(['p1'], [p['id'] for p in
                                  self.client.list_projects()])
        self.assertEqual([{'id': 'u1'}], self.client.list_users())
