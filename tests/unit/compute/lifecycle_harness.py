"""An in-process compute for the pause/suspend/soft-delete tests: a real
``ComputeManager`` on the fake driver with the conductor's functions
called in this thread (``local_conductor``), and the compute RPC casts
of ``ComputeAPI`` run synchronously on it, so an API request goes
through the service layer, the manager and the driver before it
answers."""
import fixtures
from oslo_utils import timeutils

from nova_lite.compute import manager as compute_manager
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import states
from nova_lite.conductor import compute_proxy
from nova_lite import context as nl_context
from nova_lite.network import api as network_api
from nova_lite.virt import fake
from tests.unit.compute import local_conductor

HOST = 'node1'
#: The casts run on the manager (ComputeAPI method → manager method).
CASTS = ('pause_instance', 'unpause_instance', 'suspend_instance',
         'resume_instance', 'soft_delete_instance', 'restore_instance',
         'terminate_instance', 'start_instance', 'stop_instance')


class InProcessCompute(fixtures.Fixture):
    """``manager`` and ``driver`` of HOST; ``casts`` lists (method,
    uuid) of every cast made."""

    def _setUp(self):
        self.driver = fake.FakeDriver(HOST)
        self.manager = compute_manager.ComputeManager(HOST,
                                                      driver=self.driver)
        conductor = local_conductor.LocalConductor()
        self.manager.conductor = conductor
        self.manager.power.conductor = conductor
        self.manager.security_groups.conductor = conductor
        self.addCleanup(self.manager._executor.shutdown, wait=False)
        self.casts = []
        for name in CASTS:
            self.useFixture(fixtures.MockPatchObject(
                compute_rpcapi.ComputeAPI, name, self._cast(name)))

    def _cast(self, name):
        def cast(_rpcapi, context, host, instance_uuid):
            assert host == HOST, host
            self.casts.append((name, instance_uuid))
            getattr(self.manager, name)(context, instance_uuid)
        return cast

    def spawn(self, set_instance, server_id):
        """Make the server ACTIVE on HOST with a running fake guest, as a
        build does; returns the Instance."""
        admin = nl_context.get_admin_context()
        nw = network_api.allocate_for_instance(
            admin, compute_proxy.instance_get(admin, server_id))
        set_instance(server_id, host=HOST, node=HOST,
                     vm_state=states.ACTIVE, task_state=None,
                     power_state=states.RUNNING,
                     launched_at=timeutils.utcnow())
        instance = compute_proxy.instance_get(admin, server_id)
        self.driver.spawn(admin, instance, None, nw)
        return instance
