"""nova-lite-scheduler: select_destinations over the bus."""
import sys

from oslo_config import cfg

from nova_lite.cmd import common
from nova_lite.scheduler import manager
from nova_lite.scheduler import rpcapi
from nova_lite import service
from nova_lite import servicegroup

CONF = cfg.CONF


def _main(argv):
    common.parse_args(argv)
    CONF.set_default('executor_thread_pool_size', CONF.scheduler.workers)
    svc = service.Service(CONF.host, servicegroup.SCHEDULER, rpcapi.TOPIC,
                          manager.SchedulerManager(CONF.host))
    return common.serve([svc])


def main():
    sys.exit(common.main_wrapper(_main))
