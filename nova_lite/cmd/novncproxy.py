"""nova-lite-novncproxy: the console proxy (``nova_lite.console.proxy``)
on ``[console_proxy] listen:port``: noVNC's files from ``[console_proxy]
web`` and the WebSockets of the noVNC and serial consoles, checked
against the console tokens in the database (doc/consoles.md)."""
import signal
import sys
import threading

from oslo_log import log as logging

from nova_lite.cmd import common
from nova_lite.compute import consoles
from nova_lite.console import proxy
from nova_lite import context as nl_context
from nova_lite import service

LOG = logging.getLogger(__name__)


def make_server(conf):
    """The proxy server of ``conf`` (bound, not yet serving).

    :raises: OSError when the address cannot be bound
    """
    admin = nl_context.get_admin_context()
    opts = conf.console_proxy
    return proxy.ConsoleProxyServer(
        (opts.listen, opts.port),
        validate=lambda token: consoles.validate(admin, token),
        web_dir=opts.web, allowed_origins=opts.allowed_origins,
        max_connections=opts.max_connections)


def run_proxy(conf, stop_event=None):
    """Serve until SIGTERM/SIGINT or ``stop_event`` is set; exit code 0."""
    stop_event = stop_event or threading.Event()
    httpd = make_server(conf)
    thread = threading.Thread(target=httpd.serve_forever,
                              kwargs={'poll_interval': 0.2}, daemon=True)
    received, previous = service.catch_stop_signals()
    thread.start()
    LOG.info('Console proxy listening on %s:%d (noVNC files: %s)',
             conf.console_proxy.listen, httpd.server_address[1],
             httpd.web_dir or 'none')
    try:
        service.wait_for_stop(received, lambda: not stop_event.is_set())
    finally:
        httpd.shutdown()
        httpd.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        LOG.info('Console proxy stopped')
    return 0


def _main(argv):
    common.parse_args(argv, init_rpc=False)
    return run_proxy(common.CONF)


def main():
    sys.exit(common.main_wrapper(_main))


if __name__ == '__main__':
    main()
