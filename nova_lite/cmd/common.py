"""Shared start-up of the console scripts: config, logging, RPC."""
import faulthandler
import signal
import sys
import time
import warnings

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite import conf as nl_conf  # noqa: F401 - registers options
from nova_lite import rpc
from nova_lite import service
from nova_lite import stats

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
    if CONF.stats_dir:
        stats.install()
    if init_rpc:
        rpc.init(CONF)


#: Seconds between two looks at the signals received.
SIGNAL_POLL = 0.2


def wait_for_signal():
    """Block until SIGTERM or SIGINT; returns the signal number.

    The handler only appends to a list: a Python signal handler runs in
    the main thread between two bytecodes, wherever that thread is, so
    one that took a lock (``threading.Event.set``) could wait for a lock
    its own thread holds. ``time.sleep`` is cut short by the signal.
    """
    received = []

    def _handler(signum, _frame):
        received.append(signum)

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    while not received:
        time.sleep(SIGNAL_POLL)
    return received[0]


def serve(services):
    """Start ``services``, wait for a signal, stop them; exit code 0."""
    for svc in services:
        svc.start()
    stop_stats = start_stats('%s-%s' % (services[0].binary,
                                        services[0].host))
    signum = wait_for_signal()
    stop_stats()
    LOG.info('Signal %d received, stopping', signum)
    for svc in reversed(services):
        svc.stop()
    rpc.cleanup()
    return 0


def start_stats(name):
    """Write process counters every report_interval when ``stats_dir`` is
    set; returns a function that stops and writes them a last time."""
    if not CONF.stats_dir:
        return lambda: None
    task = service.PeriodicTask('stats', lambda: stats.write(name),
                                CONF.report_interval, initial_delay=0)
    task.start()

    def _stop():
        task.stop()
        stats.write(name)
    return _stop


def main_wrapper(func):
    """Run ``func(argv)``; turn configuration errors into exit code 2.

    Fatal signals (SIGSEGV, SIGFPE, SIGABRT, SIGBUS, SIGILL) dump the
    Python stack of every thread to stderr (the service log) first, so a
    service that does not stop and is aborted by its supervisor (the lab
    sends SIGABRT before SIGKILL) shows where it was stuck.
    """
    faulthandler.enable(all_threads=True)
    try:
        return func(sys.argv)
    except cfg.Error as exc:
        print('Configuration error: %s' % exc, file=sys.stderr)
        return 2
