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
    return [service.Service(h, 'nova-lite-compute', rpcapi.TOPIC,
                            manager.ComputeManager(h)) for h in hosts]


def _main(argv):
    common.parse_args(argv, cli_opts=cli_opts)
    if CONF.fake_hosts and not CONF.virt.driver.startswith('fake'):
        print('--fake-hosts needs a fake [virt] driver', file=sys.stderr)
        return 2
    return common.serve(compute_services(CONF.host, CONF.fake_hosts))


def main():
    sys.exit(common.main_wrapper(_main))
