"""nova-lite-api: the compute API and CloudStack API WSGI service."""
import sys

from nova_lite.api import server
from nova_lite.cmd import common


def _main(argv):
    # The API never holds a request while the database starts: oslo.db's
    # engine start test (max_retries attempts, retry_interval apart: 100 s
    # by default) is skipped, so a request made while the database is down
    # is answered 503 + Retry-After at once and the next one connects.
    # Other services keep waiting for the database at start-up. A value in
    # the configuration file still wins.
    common.CONF.set_default('max_retries', 0, group='database')
    common.parse_args(argv)
    stop_stats = common.start_stats('nova-lite-api-%s' % common.CONF.host)
    stop_metrics = common.start_metrics('nova-lite-api')
    try:
        return server.run_api(common.CONF)
    finally:
        stop_metrics()
        stop_stats()


def main():
    sys.exit(common.main_wrapper(_main))
