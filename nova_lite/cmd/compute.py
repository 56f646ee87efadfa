"""nova-lite-compute: one compute service per hypervisor host.

``--fake-hosts N`` runs N fake compute hosts (``<host>-1`` ...
``<host>-N``, each with its own queue, services row and compute node)
in one process, sharing its connection, threads and periodic work
(``compute.fleet``), for labs and benchmarks.
"""
import sys

from oslo_config import cfg

from nova_lite.cmd import common
from nova_lite.compute import fleet
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


def fake_host_names(host, count):
    """``<host>-1`` ... ``<host>-<count>``."""
    return ['%s-%d' % (host, i + 1) for i in range(count)]


def compute_services(host, count=0):
    """Service objects: one for ``host``, or one per fake host (nova-lite-
    all's computes on the in-process bus)."""
    hosts = [host] if not count else fake_host_names(host, count)
    return [service.Service(h, servicegroup.COMPUTE, rpcapi.TOPIC,
                            manager.ComputeManager(h)) for h in hosts]


#: Builds of the whole fleet at once (2 x the default max_concurrent_builds).
BUILD_THREADS = fleet.BUILD_THREADS


def fleet_defaults(count):
    """Default ``max_concurrent_builds`` of each of ``count`` fake hosts
    sharing one process: a share of the fleet's build threads (the
    fleet's RPC and build pools are shared, ``compute.fleet``).
    Unscaled, 100 hosts grew to 4,000 threads under a burst of builds and
    the process spent its CPU switching between them. Values set in the
    configuration files still win."""
    if count > 1:
        CONF.set_default('max_concurrent_builds',
                         max(1, BUILD_THREADS // 2 // count))


def _main(argv):
    common.parse_args(argv, cli_opts=cli_opts)
    if CONF.fake_hosts and not CONF.virt.driver.startswith('fake'):
        print('--fake-hosts needs a fake [virt] driver', file=sys.stderr)
        return 2
    if not CONF.fake_hosts:
        return common.serve(compute_services(CONF.host))
    fleet_defaults(CONF.fake_hosts)
    return common.serve([fleet.Fleet(fake_host_names(CONF.host,
                                                     CONF.fake_hosts))])


def main():
    sys.exit(common.main_wrapper(_main))
