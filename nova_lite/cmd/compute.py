"""nova-lite-compute: one compute service per hypervisor host.

``--fake-hosts N`` runs N independent fake compute services (hosts
``<host>-1`` ... ``<host>-N``, each with its own RPC server and services
row) in one process, for labs and benchmarks.
"""
import sys

from oslo_config import cfg

from nova_lite.cmd import common
from nova_lite.compute import manager
from nova_lite.compute import rpcapi
from nova_lite import service
from nova_lite import servicegroup

CONF = cfg.CONF

cli_opts = [
    cfg.IntOpt('fake-hosts', default=0, min=0,
               help='Run this many fake compute hosts in this process '
                    '(requires a fake [virt] driver).'),
]


def compute_services(host, count=0):
    """Service objects: one for ``host``, or ``count`` fake hosts."""
    hosts = [host] if not count else ['%s-%d' % (host, i + 1)
                                      for i in range(count)]
    return [service.Service(h, servicegroup.COMPUTE, rpcapi.TOPIC,
                            manager.ComputeManager(h)) for h in hosts]


#: Threads of one compute service's pools: RPC requests (oslo.messaging's
#: executor_thread_pool_size default) and builds (2 x max_concurrent_builds).
RPC_THREADS, BUILD_THREADS = 64, 20


def fleet_defaults(count):
    """Defaults for ``count`` fake hosts sharing one process: each host's
    RPC and build pools get a share of one service's threads. Unscaled,
    100 hosts grew to 4,000 threads under a burst of builds and the
    process spent its CPU switching between them. Values set in the
    configuration files still win."""
    if count > 1:
        CONF.set_default('executor_thread_pool_size',
                         max(1, RPC_THREADS // count))
        CONF.set_default('max_concurrent_builds',
                         max(1, BUILD_THREADS // 2 // count))


def _main(argv):
    common.parse_args(argv, cli_opts=cli_opts)
    if CONF.fake_hosts and not CONF.virt.driver.startswith('fake'):
        print('--fake-hosts needs a fake [virt] driver', file=sys.stderr)
        return 2
    fleet_defaults(CONF.fake_hosts)
    return common.serve(compute_services(CONF.host, CONF.fake_hosts))


def main():
    sys.exit(common.main_wrapper(_main))
