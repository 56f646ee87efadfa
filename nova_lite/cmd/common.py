"""Shared start-up of the console scripts: config, logging, RPC."""
import signal
import sys
import threading
import warnings

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite import conf as nl_conf  # noqa: F401 - registers options
from nova_lite import rpc

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def parse_args(argv, default_config_files=None, cli_opts=(),
               set_defaults=None, init_rpc=True):
    """Parse command line and config files; set up logging and RPC.

    ``set_defaults()`` runs after parsing, before the transport exists.
    """
    warnings.filterwarnings('ignore', module='oslo_service')
    warnings.filterwarnings('ignore', category=DeprecationWarning)
    logging.register_options(CONF)
    for opt in cli_opts:
        CONF.register_cli_opt(opt)
    CONF(argv[1:], project='nova_lite', prog=argv[0].rsplit('/', 1)[-1],
         default_config_files=default_config_files)
    if set_defaults is not None:
        set_defaults()
    logging.setup(CONF, 'nova_lite')
    if init_rpc:
        rpc.init(CONF)


def wait_for_signal():
    """Block until SIGTERM or SIGINT; returns the signal number."""
    stop = threading.Event()
    received = []

    def _handler(signum, _frame):
        received.append(signum)
        stop.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    while not stop.wait(1):
        pass
    return received[0]


def serve(services):
    """Start ``services``, wait for a signal, stop them; exit code 0."""
    for svc in services:
        svc.start()
    signum = wait_for_signal()
    LOG.info('Signal %d received, stopping', signum)
    for svc in reversed(services):
        svc.stop()
    rpc.cleanup()
    return 0


def main_wrapper(func):
    """Run ``func(argv)``; turn configuration errors into exit code 2."""
    try:
        return func(sys.argv)
    except cfg.Error as exc:
        print('Configuration error: %s' % exc, file=sys.stderr)
        return 2
