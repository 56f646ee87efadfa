"""The compute's build flow sends instance.create.start then .end, or
.error with the fault when the build fails on its last host."""
import fixtures

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


class _FailingDriver(fake.FakeDriver):
    def spawn(self, context, instance, image_meta, network_info,
              guest_data=None):
        raise RuntimeError('disk full')


class TestBuildNotifications(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.sent = []
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.notifications.send', self._record))
        self.uuid = self.create_server()
        self.set_instance(self.uuid, host=HOST, node=HOST,
                          vm_state=states.BUILDING, task_state=None)
        self.instance = instance_obj.Instance.from_db(
            instance_db.instance_get(self.api.admin_context, self.uuid))

    def _record(self, context, event_type, payload, binary, host,
                priority='INFO'):
        self.sent.append((event_type, priority, binary, host, payload))

    def _run(self, driver):
        flow = build.BuildFlow(HOST, driver,
                               local_conductor.LocalConductor())
        flow.run(self.api.admin_context, self.instance, _Spec(), [])

    def test_success(self):
        self._run(fake.FakeDriver(HOST))
        self.assertEqual(
            [('instance.create.start', 'INFO', 'nova-lite-compute', HOST),
             ('instance.create.end', 'INFO', 'nova-lite-compute', HOST)],
            [s[:4] for s in self.sent])
        end = self.sent[1][4]
        self.assertEqual((states.ACTIVE, 'running', None),
                         (end.state, end.power_state, end.task_state))
        self.assertEqual(1, len(end.ip_addresses))
        self.assertIsNone(end.fault)

    def test_failure_on_last_host(self):
        self._run(_FailingDriver(HOST))
        self.assertEqual(
            [('instance.create.start', 'INFO'),
             ('instance.create.error', 'ERROR')],
            [s[:2] for s in self.sent])
        error = self.sent[1][4]
        self.assertEqual(states.ERROR, error.state)
        self.assertEqual('RuntimeError', error.fault.exception)
        self.assertEqual('disk full', error.fault.exception_message)
        self.assertEqual('spawn', error.fault.function_name)
