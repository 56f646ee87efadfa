"""The per-node metadata proxy (``nova_lite.metadata.proxy``) as a
process: ``python -m nova_lite.cmd.metadata_proxy --config-file FILE``.

It runs in a guest network's namespace (``ip netns exec <ns> ...``),
listening on ``[metadata] proxy_listen:proxy_listen_port``
(169.254.169.254:80, an address of that namespace), and forwards guests'
requests, signed with ``[metadata] metadata_proxy_shared_secret``, to
``[metadata] metadata_url``. It needs neither the message bus nor the
database. See doc/networking.md.
"""
import sys
import threading

from oslo_log import log as logging

from nova_lite.api import server
from nova_lite.cmd import common
from nova_lite.metadata import proxy

LOG = logging.getLogger(__name__)


def run_proxy(conf, stop_event=None):
    """Serve the proxy until SIGTERM/SIGINT or ``stop_event`` is set.

    :raises: ValueError when ``[metadata] metadata_proxy_shared_secret``
        is empty (the service would refuse every request);
        OSError when the address cannot be bound
    """
    stop_event = stop_event or threading.Event()
    app = proxy.MetadataProxy(conf.metadata.metadata_url,
                              conf.metadata.metadata_proxy_shared_secret,
                              network_id=conf.metadata.proxy_network_id)
    httpd = server.serve(app, conf.metadata.proxy_listen,
                         conf.metadata.proxy_listen_port,
                         conf.metadata.proxy_workers)
    server.run_until_stopped(httpd, 'Metadata proxy', stop_event)
    return 0


def _main(argv):
    common.parse_args(argv, init_rpc=False)
    return run_proxy(common.CONF)


def main():
    sys.exit(common.main_wrapper(_main))


if __name__ == '__main__':
    main()
