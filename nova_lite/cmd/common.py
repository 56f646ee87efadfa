"""Shared start-up of the console scripts: config, logging, RPC."""
import faulthandler
import sys
import warnings

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite import conf as nl_conf  # noqa: F401 - registers options
from nova_lite import exception
from nova_lite.metrics import listener as metrics_listener
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


def start_metrics(binary, worker=0):
    """Start this process's metrics listener (``[metrics] listen``); the
    scheduler and nova-lite-all also export the capacity gauges.
    ``worker``: index of an API worker process (its own port).

    :returns: a function that stops it (a no-op when metrics are off)
    :raises: OSError when the metrics port cannot be bound
    """
    listener = metrics_listener.start(
        CONF, binary,
        capacity=binary in ('nova-lite-scheduler', 'nova-lite-all'),
        worker=worker)
    return listener.stop if listener is not None else (lambda: None)


def serve(services):
    """Start ``services``, wait for SIGTERM or SIGINT, stop them; exit
    code 0.

    The stop signals are caught before the first service starts: one
    that arrives while a compute still waits for a conductor ends that
    wait, and the services already started are stopped as usual.
    """
    received, _previous = service.catch_stop_signals()
    stop_metrics = start_metrics(services[0].binary)
    started = start_services(services, lambda: bool(received))
    stop_stats = start_stats('%s-%s' % (services[0].binary,
                                        services[0].host))
    service.wait_for_stop(received)
    stop_stats()
    LOG.info('Signal %d received, stopping', received[0])
    for svc in reversed(started):
        svc.stop()
    stop_metrics()
    rpc.cleanup()
    return 0


def start_services(services, stopping):
    """Start ``services`` in order until ``stopping()`` is true.

    :returns: the services started
    """
    started = []
    for svc in services:
        if stopping():
            break
        try:
            svc.start(stopping=stopping)
        except exception.ServiceStartInterrupted as exc:
            LOG.info('%s', exc)
            break
        started.append(svc)
    return started


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
    """Run ``func(argv)``; turn configuration errors into exit code 2 and
    a virt driver whose Python package is missing (libvirt-python for
    ``[virt] driver = libvirt``) into one line on stderr and exit code 1.

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
    except exception.VirtDriverDependencyMissing as exc:
        print('ERROR: %s' % exc, file=sys.stderr)
        return 1
