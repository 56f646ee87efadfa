"""nova-lite-volume: the block storage service of a storage host
(volumes' files, their NBD exports; doc/volumes.md)."""
import sys

from oslo_config import cfg

from nova_lite.cmd import common
from nova_lite import service
from nova_lite import servicegroup
from nova_lite.volume import manager
from nova_lite.volume import rpcapi

CONF = cfg.CONF


def _main(argv):
    common.parse_args(argv)
    svc = service.Service(CONF.host, servicegroup.VOLUME, rpcapi.TOPIC,
                          manager.VolumeManager(CONF.host))
    return common.serve([svc])


def main():
    sys.exit(common.main_wrapper(_main))
