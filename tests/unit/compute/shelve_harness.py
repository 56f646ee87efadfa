"""An in-process shelve stack for unit tests: ``resize_harness``'s
database, real scheduler and compute managers with fake drivers on
several hosts, plus the conductor's shelve functions, the image service
of this process (``test_lifecycle.LocalImages``) and the shelve casts of
the compute and conductor RPC APIs queued and run by ``drain()``."""
import fixtures

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import rpcapi_shelve as compute_shelve_rpc
from nova_lite.conductor import compute_proxy
from nova_lite.conductor import evacuate as conductor_evacuate
from nova_lite.conductor import lifecycle_proxy
from nova_lite.conductor import rpcapi_shelve as conductor_shelve_rpc
from nova_lite.conductor import shelve as conductor_shelve
from nova_lite.conductor import volume_proxy
from tests.unit.compute import resize_harness
from tests.unit.compute import test_lifecycle

_SHELVE_CASTS = ('shelve_instance', 'shelve_offload_instance',
                 'unshelve_instance')


class LocalShelveConductor:
    """The conductor's compute-facing methods (1.1 to 1.7), in-thread."""

    def __getattr__(self, name):
        for module in (conductor_shelve, conductor_evacuate, lifecycle_proxy,
                       compute_proxy, volume_proxy.VolumeAttachEndpoint()):
            func = getattr(module, name, None)
            if callable(func):
                break

        def _run(context, *args, wait=False, **kwargs):
            return func(context, *args, **kwargs)
        return _run


class ShelveStack(resize_harness.ResizeStack):
    """``ResizeStack`` whose managers shelve through the image service of
    this process (``images``, a LocalImages: ``fail_upload`` makes
    uploads fail)."""

    def _setUp(self):
        self.images = test_lifecycle.LocalImages(self.admin)
        super()._setUp()
        for name in _SHELVE_CASTS:
            self.useFixture(fixtures.MockPatchObject(
                compute_shelve_rpc.ShelveAPI, name, self._shelve_queuer(name)))
        self.useFixture(fixtures.MockPatchObject(
            conductor_shelve_rpc.ShelveAPI, 'unshelve_instance',
            self._queue_unshelve))
        self.useFixture(fixtures.MockPatchObject(
            compute_rpcapi.ComputeAPI, 'terminate_instance',
            self._queue_terminate))

    def _queue_terminate(self, context, host, instance_uuid):
        self.queue.append((host, 'terminate_instance', context,
                           {'instance_uuid': instance_uuid}))

    def new_manager(self, host):
        manager = super().new_manager(host)
        conductor = LocalShelveConductor()
        manager.conductor = manager.power.conductor = conductor
        manager.security_groups.conductor = conductor
        manager.floating_ips.conductor = resize_harness.LocalResizeConductor()
        manager._snapshot_image_api = self.images
        manager.build_flow.image_api = self.images
        self.drivers[host].image_api = self.images
        return manager

    def _shelve_queuer(self, name):
        def cast(_api, context, host, instance_uuid, image_id=None):
            kwargs = {'instance_uuid': instance_uuid}
            if name != 'shelve_offload_instance':
                kwargs['image_id'] = image_id
            self.queue.append((host, name, context, kwargs))
        return cast

    def _queue_unshelve(self, context, instance_uuid,
                        requested_host=None):
        self.queue.append(('conductor', 'unshelve_instance', context,
                           {'instance_uuid': instance_uuid,
                            'requested_host': requested_host}))

    def drain(self, stop_before=None):
        """As ``ResizeStack.drain``, with the conductor's unshelve."""
        done = []
        while self.queue and self.queue[0][1] != stop_before:
            done.append(self.run_next())
        return done

    def run_next(self):
        """Run the first queued cast; its (target, name)."""
        target, name, context, kwargs = self.queue.popleft()
        if target == 'conductor':
            conductor_shelve.UnshelveFlow(
                self.scheduler, compute_rpcapi.ComputeAPI()
            ).unshelve_instance(context, **kwargs)
        else:
            getattr(self.managers[target], name)(context, **kwargs)
        return name
