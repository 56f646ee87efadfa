"""Events of the API's service modules (key pairs, server groups,
aggregates, services): what they send, in order, on a migrated SQLite
database (``send`` recorded)."""
import fixtures
import testtools

from nova_lite.compute import host_api
from nova_lite.compute import keypairs
from nova_lite.compute import server_groups
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite import notifications
from tests.unit.scheduler import fakes


class APIEventsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.sent = []
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.notifications.send', self._record))
        self.ctxt = nl_context.RequestContext(user_id='u1',
                                              project_id='p1')

    def _record(self, context, event_type, payload, binary, host,
                priority='INFO'):
        self.sent.append((event_type, payload.obj_name(), binary))

    def types(self):
        return [event for event, _, _ in self.sent]

    def test_keypairs(self):
        keypairs.create(self.ctxt, 'k1')
        keypairs.delete(self.ctxt, 'k1')
        self.assertEqual(['keypair.create.start', 'keypair.create.end',
                          'keypair.delete.start', 'keypair.delete.end'],
                         self.types())
        self.assertEqual({('KeypairPayload', notifications.API)},
                         {(name, binary) for _, name, binary in self.sent})

    def test_failed_delete_sends_no_end(self):
        self.assertRaises(exception.NotFound, keypairs.delete, self.ctxt,
                          'nope')
        self.assertEqual(['keypair.delete.start'], self.types())

    def test_server_groups(self):
        group = server_groups.create(self.ctxt, 'g', 'affinity')
        server_groups.members_added(self.ctxt, group, ['i-1'])
        server_groups.delete(self.ctxt, group['uuid'])
        self.assertEqual(['server_group.create', 'server_group.add_member',
                          'server_group.delete'], self.types())

    def test_aggregates_and_services(self):
        admin = self.db.admin
        self.db.add_host('node1')
        agg = host_api.aggregate_create(admin, 'a1')
        host_api.aggregate_add_host(admin, agg['id'], 'node1')
        host_api.aggregate_set_metadata(admin, agg['id'], {'k': 'v'})
        host_api.aggregate_remove_host(admin, agg['id'], 'node1')
        host_api.aggregate_delete(admin, agg['id'])
        host_api.service_update(admin, 'node1', 'nova-lite-compute',
                                {'disabled': True})
        self.assertEqual([
            'aggregate.create.start', 'aggregate.create.end',
            'aggregate.add_host.start', 'aggregate.add_host.end',
            'aggregate.update_metadata.start',
            'aggregate.update_metadata.end',
            'aggregate.remove_host.start', 'aggregate.remove_host.end',
            'aggregate.delete.start', 'aggregate.delete.end',
            'service.update'], self.types())
