"""nova-lite-api: the compute API and CloudStack API WSGI service."""
import sys

from nova_lite.api import server
from nova_lite.cmd import common


def _main(argv):
    common.parse_args(argv)
    stop_stats = common.start_stats('nova-lite-api-%s' % common.CONF.host)
    try:
        return server.run_api(common.CONF)
    finally:
        stop_stats()


def main():
    sys.exit(common.main_wrapper(_main))
