"""nova-lite-dashboard: the web dashboard (``nova_lite.dashboard``) on
``[dashboard] listen:port`` with ``[dashboard] threads`` request threads,
served by the API's cheroot server until SIGTERM/SIGINT. It needs the
database (its sessions) and Keystone, not the message bus
(doc/dashboard.md)."""
import sys
import threading

from nova_lite.api import server
from nova_lite.cmd import common
from nova_lite.dashboard import app as dashboard_app


def run_dashboard(conf, stop_event=None):
    """Serve the dashboard until SIGTERM/SIGINT or ``stop_event``; exit
    code 0.

    :raises: OSError when the address cannot be bound
    """
    opts = conf.dashboard
    httpd = server.serve(dashboard_app.build_app(conf), opts.listen,
                         opts.port, opts.threads, name='Dashboard')
    server.run_until_stopped(httpd, 'dashboard',
                             stop_event or threading.Event())
    return 0


def _main(argv):
    common.parse_args(argv, init_rpc=False)
    return run_dashboard(common.CONF)


def main():
    sys.exit(common.main_wrapper(_main))
