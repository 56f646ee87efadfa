"""An in-process resize stack for unit tests: the API fixture's database,
a real scheduler, real compute managers with fake drivers on several
hosts, and the conductor's resize functions, wired without RPC.

The conductor's and computes' resize casts are queued and run by
``drain()`` in order (as a bus would deliver them, one at a time), so a
test sees every step's writes; the computes' conductor calls run at
once (``LocalResizeConductor``).
"""
import collections

import fixtures
from oslo_messaging.rpc import dispatcher as rpc_dispatcher

from nova_lite.compute import manager as compute_manager
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import rpcapi_resize as compute_resize_rpc
from nova_lite.compute import states
from nova_lite.conductor import compute_proxy
from nova_lite.conductor import evacuate as conductor_evacuate
from nova_lite.conductor import migrate as conductor_migrate
from nova_lite.conductor import resize as conductor_resize
from nova_lite.conductor import rpcapi_migrate as conductor_migrate_rpc
from nova_lite.conductor import rpcapi_resize as conductor_resize_rpc
from nova_lite.conductor import volume_proxy
from nova_lite.db import claims as claim_db
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import instances as instance_db
from nova_lite.db import services as service_db
from nova_lite.network import api as network_api
from nova_lite.network import nat
from nova_lite import quota
from nova_lite.scheduler import manager as scheduler_manager
from nova_lite.virt import fake
from tests import db_helpers

_RESIZE_CALLS = ('migration_get', 'resize_update', 'resize_finished',
                 'resize_confirmed', 'resize_reverted', 'resize_failed')
_COMPUTE_CASTS = ('prep_resize', 'resize_instance', 'finish_resize',
                  'confirm_resize', 'revert_resize', 'finish_revert_resize')
_EVACUATE_CALLS = ('evacuate_finished', 'evacuate_failed',
                   'evacuations_to_clean', 'evacuation_cleaned')


class LocalResizeConductor:
    """The conductor's compute-facing methods (1.1, 1.4, 1.10), in-thread."""

    def __getattr__(self, name):
        module = conductor_resize if name in _RESIZE_CALLS else \
            conductor_evacuate if name in _EVACUATE_CALLS else compute_proxy
        func = getattr(module, name, None) or getattr(
            volume_proxy.VolumeAttachEndpoint(), name)

        def _run(context, *args, wait=False, **kwargs):
            return func(context, *args, **kwargs)
        return _run

    def floating_ips_get(self, context, host):
        return nat.host_mappings(context, host)


class _Scheduler:
    """select_destinations of a real SchedulerManager, its expected
    exceptions unwrapped as the RPC client raises them."""

    def __init__(self):
        self.manager = scheduler_manager.SchedulerManager('scheduler')

    def select_destinations(self, context, spec, uuids,
                            return_alternates=True):
        try:
            return self.manager.select_destinations(context, spec, uuids,
                                                    return_alternates)
        except rpc_dispatcher.ExpectedException as exc:
            raise exc.exc_info[1] from None


class _MigrateConductor(conductor_migrate.MigrateEndpoint):
    """The conductor's ``migrate_server`` in-thread (the RPC call the
    API makes), its expected exceptions unwrapped as the RPC client
    raises them; the cast it makes is queued by the stack."""

    def __init__(self, scheduler):
        self.scheduler = scheduler

    def _resize_flow(self):
        return conductor_resize.ResizeFlow(self.scheduler,
                                           compute_rpcapi.ComputeAPI())

    def call(self, _api, context, instance_uuid, migration_uuid, host=None):
        try:
            return self.migrate_server(context, instance_uuid,
                                       migration_uuid, host=host)
        except rpc_dispatcher.ExpectedException as exc:
            raise exc.exc_info[1] from None


class ResizeStack(fixtures.Fixture):
    """Computes ``hosts`` (fake drivers, nodes of ``vcpus``/``memory_mb``/
    ``local_gb``) over the database of ``admin`` (an admin context)."""

    def __init__(self, admin, hosts=('src', 'dst'), vcpus=4,
                 memory_mb=4096, local_gb=100):
        super().__init__()
        self.admin = admin
        self.hosts = hosts
        self.capacity = {'vcpus': vcpus, 'memory_mb': memory_mb,
                         'local_gb': local_gb, 'hypervisor_type': 'fake'}

    def _setUp(self):
        self.queue = collections.deque()
        self.drivers, self.managers, self.nodes = {}, {}, {}
        for host in self.hosts:
            self.add_compute(host)
        self.scheduler = _Scheduler()
        self.useFixture(fixtures.MockPatchObject(
            conductor_resize_rpc.ResizeAPI, 'resize_instance',
            self._queue_conductor))
        migrate = _MigrateConductor(self.scheduler)
        self.useFixture(fixtures.MockPatchObject(
            conductor_migrate_rpc.MigrateAPI, 'migrate_server',
            lambda api, *args, **kwargs: migrate.call(api, *args, **kwargs)))
        for name in _COMPUTE_CASTS:
            self.useFixture(fixtures.MockPatchObject(
                compute_resize_rpc.ResizeAPI, name, self._queuer(name)))
        self.useFixture(fixtures.MockPatchObject(
            compute_rpcapi.ComputeAPI, 'evacuate_instance',
            self._queuer('evacuate_instance')))
        self.useFixture(fixtures.MockPatchObject(
            conductor_migrate_rpc.MigrateAPI, 'evacuate_server',
            self._queue_evacuation))

    def add_compute(self, host):
        service_db.service_register(self.admin, host, 'nova-lite-compute',
                                    'compute')
        self.nodes[host] = node_db.compute_node_report(
            self.admin, host, host, self.capacity,
            {'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
             'disk_allocation_ratio': 1.0}, 0, 0)
        self.drivers[host] = fake.FakeDriver(host)
        self.managers[host] = self.new_manager(host)

    def new_manager(self, host):
        """A ComputeManager of ``host`` (a restart keeps its driver)."""
        manager = compute_manager.ComputeManager(host,
                                                 driver=self.drivers[host])
        manager.conductor = LocalResizeConductor()
        # The network agents ask the conductor too (compute.network_sync).
        manager.security_groups.conductor = manager.conductor
        manager.floating_ips.conductor = manager.conductor
        self.addCleanup(manager._executor.shutdown, wait=False)
        return manager

    def _queue_conductor(self, context, instance_uuid,
                         migration_uuid):
        self.queue.append(('conductor', 'resize_instance', context,
                           {'instance_uuid': instance_uuid,
                            'migration_uuid': migration_uuid}))

    def _queue_evacuation(self, context, instance_uuid, migration_uuid,
                          host=None, target_state=None):
        self.queue.append(('conductor', 'evacuate_server', context,
                           {'instance_uuid': instance_uuid,
                            'migration_uuid': migration_uuid, 'host': host,
                            'target_state': target_state}))

    def _queuer(self, name):
        def cast(_api, context, host, *args, **kwargs):
            keys = ('instance_uuid', 'migration_uuid',
                    'target_state' if name == 'evacuate_instance'
                    else 'disk_info')
            kwargs.update(zip(keys, args, strict=False))
            self.queue.append((host, name, context, kwargs))
        return cast

    def drain(self, stop_before=None):
        """Run the queued casts (and those they queue) until none is
        left, or the next is ``stop_before`` (a method name); their
        names."""
        done = []
        while self.queue and self.queue[0][1] != stop_before:
            target, name, context, kwargs = self.queue.popleft()
            done.append(name)
            if name == 'evacuate_server':
                conductor_evacuate.EvacuateFlow(
                    self.scheduler, compute_rpcapi.ComputeAPI()
                ).evacuate_server(context, **kwargs)
            elif target == 'conductor':
                conductor_resize.ResizeFlow(
                    self.scheduler, compute_rpcapi.ComputeAPI()
                ).resize_instance(context, **kwargs)
            else:
                getattr(self.managers[target], name)(context, **kwargs)
        return done

    # ------------------------------------------------------------ boot

    def boot(self, uuid, host, vm_state=states.ACTIVE):
        """Place and spawn a created instance on ``host`` as a build
        would: claim, NIC, ACTIVE (or STOPPED), fake guest."""
        row = instance_db.instance_get(self.admin, uuid)
        assert claim_db.claim(self.admin, self.nodes[host]['id'], uuid,
                              row.vcpus, row.memory_mb,
                              row.root_gb + row.ephemeral_gb)
        instance = compute_proxy.instance_get(self.admin, uuid)
        nw = network_api.allocate_for_instance(self.admin, instance)
        instance_db.instance_update(self.admin, uuid, {
            'host': host, 'node': host, 'vm_state': vm_state,
            'task_state': None, 'power_state': states.RUNNING})
        self.drivers[host].spawn(self.admin, instance, None, nw)
        if vm_state == states.STOPPED:
            self.drivers[host].power_off(instance)
            instance_db.instance_update(self.admin, uuid, {
                'power_state': states.SHUTDOWN})

    # ---------------------------------------------------------- claims

    def allocations(self):
        """{consumer uuid: (host, vcpus, memory_mb, disk_gb)}."""
        return db_helpers.claims_by_consumer(self.admin)

    def node_usage(self):
        """{host: (vcpus_used, memory_mb_used, local_gb_used)}."""
        return db_helpers.node_usage(self.admin)

    def check_exact(self, test, project_id):
        """Node usage equals the sum of allocations on each node, and
        the project's cores/ram usage is the sum of its instances'
        flavors (the quota counts); returns the allocations."""
        allocations = self.allocations()
        summed = {host: (0, 0, 0) for host in self.hosts}
        for host, *amounts in allocations.values():
            summed[host] = tuple(a + b for a, b in zip(
                summed[host], amounts, strict=True))
        test.assertEqual(summed, self.node_usage())
        rows = instance_db.instance_get_all(
            self.admin, {'project_id': project_id}, project_only=False)
        used = quota.usages(self.admin, project_id)
        test.assertEqual((sum(r.vcpus for r in rows),
                          sum(r.memory_mb for r in rows)),
                         (used['cores'], used['ram']))
        return allocations
