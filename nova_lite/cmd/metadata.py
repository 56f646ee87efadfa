"""nova-lite-metadata: the metadata service (``nova_lite.api.metadata``)
on ``[metadata] metadata_listen:metadata_listen_port``."""
import sys
import threading

from oslo_log import log as logging

from nova_lite.api import metadata
from nova_lite.api import server
from nova_lite.cmd import common

LOG = logging.getLogger(__name__)


def run_metadata(conf, stop_event=None):
    """Serve the metadata service until SIGTERM/SIGINT or ``stop_event``
    is set."""
    stop_event = stop_event or threading.Event()
    if not conf.metadata.metadata_proxy_shared_secret:
        LOG.warning('[metadata] metadata_proxy_shared_secret is empty: '
                    'every request will be refused (403)')
    httpd = server.serve(metadata.create_app(conf),
                         conf.metadata.metadata_listen,
                         conf.metadata.metadata_listen_port,
                         conf.metadata.metadata_workers)
    server.run_until_stopped(httpd, 'Metadata service', stop_event)
    return 0


def _main(argv):
    common.parse_args(argv)
    return run_metadata(common.CONF)


def main():
    sys.exit(common.main_wrapper(_main))


if __name__ == '__main__':
    main()
