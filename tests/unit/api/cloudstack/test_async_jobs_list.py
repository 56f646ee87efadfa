"""listAsyncJobs filters: ``keyword`` (part of the command name, in SQL
so that count and pages agree), ``account``/``projectid`` (another
account needs an admin), ``listall`` and ``startdate``."""
import fixtures

from nova_lite.cloudstack import async_jobs as job_api
from nova_lite import context as nl_context
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes


class AccountsKeystone(test_endpoint.FakeKeystone):
    """And the project lookups of ``account``/``projectid``."""

    def find(self, collection, name_or_id, domain='Default'):
        return {'project-a': fakes.PROJECT,
                'project-b': fakes.OTHER_PROJECT}[name_or_id]

    def project(self, project_id):
        return {'id': project_id, 'name': project_id,
                'domain_id': 'default', 'domain_name': 'Default'}


class _JobsTestCase(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.api.cloudstack.keystone.get_client',
            lambda conf: AccountsKeystone(self.roles)))
        for project, command in ((fakes.PROJECT, 'createTags'),
                                 (fakes.PROJECT, 'deleteTags'),
                                 (fakes.PROJECT, 'startVirtualMachine'),
                                 (fakes.OTHER_PROJECT, 'createTags')):
            ctx = nl_context.RequestContext(user_id='u', project_id=project)
            job_api.create(ctx, command, result={'success': True})

    def commands(self, **params):
        status, body = self.json('listAsyncJobs', **params)
        return status, sorted(j['cmd'] for j in body[
            'listasyncjobsresponse'].get('asyncjobs', [])), body[
            'listasyncjobsresponse'].get('count')


class MemberJobsTest(_JobsTestCase):

    def test_keyword_and_own_account(self):
        self.assertEqual((200, ['createTags', 'deleteTags',
                                'startVirtualMachine'], 3), self.commands())
        self.assertEqual((200, ['createTags', 'deleteTags'], 2),
                         self.commands(keyword='TAGS'))
        status, page, count = self.commands(keyword='tags', pagesize='1',
                                            page='2')
        self.assertEqual((200, 1, 2), (status, len(page), count))
        self.assertEqual(200, self.commands(account='project-a')[0])
        status, _cmds, _count = self.commands(account='project-b')
        self.assertEqual(531, status)


class AdminJobsTest(_JobsTestCase):

    roles = ['admin', 'member', 'reader']

    def test_other_account_and_listall(self):
        self.assertEqual((200, ['createTags'], 1), self.commands(
            projectid=fakes.OTHER_PROJECT))
        self.assertEqual((200, ['createTags'], 1), self.commands(
            account='project-b'))
        self.assertEqual(4, self.commands(listall='true')[2])
        self.assertEqual((200, ['createTags', 'createTags'], 2),
                         self.commands(listall='true', keyword='create'))
