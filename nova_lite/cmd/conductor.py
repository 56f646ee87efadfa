"""nova-lite-conductor: the build orchestrator."""
import sys

from oslo_config import cfg

from nova_lite.cmd import common
from nova_lite.conductor import manager
from nova_lite.conductor import rpcapi
from nova_lite import service
from nova_lite import servicegroup

CONF = cfg.CONF


def _main(argv):
    common.parse_args(argv)
    CONF.set_default('executor_thread_pool_size', CONF.conductor.workers)
    svc = service.Service(CONF.host, servicegroup.CONDUCTOR, rpcapi.TOPIC,
                          manager.ConductorManager(CONF.host))
    return common.serve([svc])


def main():
    sys.exit(common.main_wrapper(_main))
