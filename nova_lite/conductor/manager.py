"""Conductor service: orchestrates builds and sweeps stuck instances."""
from oslo_config import cfg
import oslo_messaging as messaging

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.conductor import build
from nova_lite.conductor import sweeper
from nova_lite.scheduler import rpcapi as scheduler_rpcapi
from nova_lite import service

CONF = cfg.CONF


class ConductorManager(service.Manager):
    """RPC endpoint of the ``conductor`` topic."""

    target = messaging.Target(version='1.0')

    def __init__(self, host):
        super().__init__(host)
        compute = compute_rpcapi.ComputeAPI()
        self.build_flow = build.BuildFlow(scheduler_rpcapi.SchedulerAPI(),
                                          compute)
        self.sweeper = sweeper.Sweeper(self.build_flow, compute)

    def build_instances(self, context, instances, request_spec,
                        host_lists=None):
        """See ``build.BuildFlow.build_instances``."""
        self.build_flow.build_instances(context, instances, request_spec,
                                        host_lists)

    def post_start_hook(self):
        """Recover what a previous conductor left half done (its casts may
        be lost), once the RPC server is up."""
        self.sweeper.sweep()

    def periodic_tasks(self):
        return [(self.sweeper.sweep, CONF.conductor.sweep_interval)]
