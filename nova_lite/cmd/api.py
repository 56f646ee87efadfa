"""nova-lite-api: the compute API and CloudStack API WSGI service.

One process with ``[api] threads`` request threads, or, with ``[api]
workers`` above 1, a parent supervising that many worker processes on
one listening socket (``nova_lite.api.workers``); each worker writes its
own stats file (``nova-lite-api-<host>-w<index>``) and serves its own
metrics listener (the API's metrics port + 10 * index).
"""
import sys

from nova_lite.api import server
from nova_lite.api import workers
from nova_lite.cmd import common


def _serve(stats_name, worker=0, sock=None, keep_serving=None):
    stop_stats = common.start_stats(stats_name)
    stop_metrics = common.start_metrics('nova-lite-api', worker)
    try:
        server.run_api(common.CONF, sock=sock, keep_serving=keep_serving)
        return 0
    finally:
        stop_metrics()
        stop_stats()


def _serve_worker(index, sock, keep_serving):
    """One worker process of ``nova_lite.api.workers``; its exit code."""
    return _serve('nova-lite-api-%s-w%d' % (common.CONF.host, index),
                  worker=index, sock=sock, keep_serving=keep_serving)


def _main(argv):
    # The API never holds a request while the database starts: oslo.db's
    # engine start test (max_retries attempts, retry_interval apart: 100 s
    # by default) is skipped, so a request made while the database is down
    # is answered 503 + Retry-After at once and the next one connects.
    # Other services keep waiting for the database at start-up. A value in
    # the configuration file still wins.
    common.CONF.set_default('max_retries', 0, group='database')
    # The RPC transport is made by each process that serves (run_api):
    # a parent that forks workers must not hold one.
    common.parse_args(argv, init_rpc=False)
    count = common.CONF.api.workers
    if count > 1:
        return workers.run(common.CONF, _serve_worker, count)
    return _serve('nova-lite-api-%s' % common.CONF.host)


def main():
    sys.exit(common.main_wrapper(_main))
