"""BuildFlow.run never raises: a conductor that answers none of the
repeated build_start or build_finish calls is logged, and the build is
left to the conductor's sweeper (it raised into the build executor
before, silently)."""
import fixtures
import oslo_messaging as messaging

from nova_lite.compute import build
from nova_lite.compute import states
from nova_lite.db import instances as instance_db
from nova_lite.objects import instance as instance_obj
from nova_lite.virt import fake
from tests.unit.api import fakes
from tests.unit.compute import local_conductor

HOST = 'node1'


class _Spec:
    image = instance_obj.ImageMeta(id='image-1')


class _Unanswered(local_conductor.LocalConductor):
    """The local conductor, with ``method`` never answered."""

    def __init__(self, method):
        self.method = method

    def __getattr__(self, name):
        if name == self.method:
            def _timeout(*args, **kwargs):
                raise messaging.MessagingTimeout('no answer')
            return _timeout
        return super().__getattr__(name)


class TestBuildUnanswered(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger())
        self.uuid = self.create_server()
        self.set_instance(self.uuid, host=HOST, node=HOST,
                          vm_state=states.BUILDING, task_state=None)
        self.instance = instance_obj.Instance.from_db(
            instance_db.instance_get(self.api.admin_context, self.uuid))

    def _run(self, method):
        flow = build.BuildFlow(HOST, fake.FakeDriver(HOST),
                               _Unanswered(method))
        self.assertIsNone(flow.run(self.api.admin_context, self.instance,
                                   _Spec(), []))
        return instance_db.instance_get(self.api.admin_context, self.uuid)

    def test_start_unanswered_is_logged_not_raised(self):
        row = self._run('build_start')
        self.assertEqual((states.BUILDING, None),
                         (row.vm_state, row.task_state))
        self.assertIn('Build of %s not started on %s' % (self.uuid, HOST),
                      self.log.output)

    def test_finish_unanswered_is_logged_not_raised(self):
        row = self._run('build_finish')
        self.assertEqual((states.BUILDING, states.SPAWNING),
                         (row.vm_state, row.task_state))
        self.assertIn('spawned on %s but not finished' % HOST,
                      self.log.output)
