"""[metrics] options: the Prometheus management listener of each service.

Every service can serve its metrics (Prometheus text format, ``GET
/metrics``) on a listener of its own, separate from the API's public
port. It is off unless ``listen`` is set. The port of a service is
``port`` plus the offset of its binary (see ``PORT_OFFSETS``), so the
API, conductor, scheduler and one compute (or one nova-lite-all) of a
host listen on distinct ports with one configuration file.

The listener asks for no token: it is the one exception to the rule
that every nova_lite endpoint authenticates, and is why it binds to
loopback (``127.0.0.1``) in the lab and in the examples.
"""
from oslo_config import cfg

metrics_group = cfg.OptGroup('metrics', title='Prometheus metrics')

#: Added to the API's metrics port per worker process (``[api] workers``):
#: worker k serves on ``port + k * API_WORKER_PORT_STEP``, above every
#: binary's offset.
API_WORKER_PORT_STEP = 10

#: Added to ``[metrics] port`` per binary.
PORT_OFFSETS = {
    'nova-lite-api': 0,
    'nova-lite-all': 0,
    'nova-lite-conductor': 1,
    'nova-lite-scheduler': 2,
    'nova-lite-compute': 3,
}

metrics_opts = [
    cfg.StrOpt('listen', default='',
               help='Address of the metrics listener (GET /metrics, '
                    'Prometheus text format, no authentication). Empty '
                    '(the default) turns it off. Use a loopback or '
                    'management address, never a public one: anyone who '
                    'reaches it reads the metrics without a token.'),
    cfg.PortOpt('port', default=9180,
                help='Base port of the metrics listener. Each binary adds '
                     'its offset: nova-lite-api and nova-lite-all +0, '
                     'nova-lite-conductor +1, nova-lite-scheduler +2, '
                     'nova-lite-compute +3. Worker k of nova-lite-api '
                     '([api] workers above 1, k from 0) adds 10 * k more, '
                     'so each worker has a listener of its own. Two '
                     'services of one binary on one host need different '
                     'values of this option (e.g. in a per-service '
                     'configuration file).'),
    cfg.IntOpt('capacity_interval', default=60, min=1,
               help='Seconds between two reads of the capacity and '
                    'instance-state gauges from the database, by the '
                    'scheduler (or nova-lite-all). A scrape never reads '
                    'the database.'),
]


def service_port(conf, binary, worker=0):
    """The metrics port of ``binary``: ``[metrics] port`` plus its offset
    (0 for an unknown binary), plus ``worker * API_WORKER_PORT_STEP`` for
    worker process ``worker`` (0-based) of nova-lite-api.

    :raises: ValueError when the sum is above 65535
    """
    port = (conf.metrics.port + PORT_OFFSETS.get(binary, 0)
            + worker * API_WORKER_PORT_STEP)
    if port > 65535:
        raise ValueError('[metrics] port %d + offset of %s is above 65535'
                         % (conf.metrics.port, binary))
    return port


def register_opts(conf):
    conf.register_group(metrics_group)
    conf.register_opts(metrics_opts, group=metrics_group)


def list_opts():
    return {metrics_group: metrics_opts}
