"""[DEFAULT] options: identity of this service and its liveness."""
import socket

from oslo_config import cfg

service_opts = [
    cfg.StrOpt('host', default=socket.gethostname(),
               sample_default='<hostname>',
               help='Name of this node. Computes are addressed on the bus by '
                    'it (topic compute.<host>) and it is the host name shown '
                    'in the API.'),
    cfg.IntOpt('max_concurrent_builds', default=10, min=1,
               help='Maximum number of instance builds (spawns) that one '
                    'compute runs at the same time; further builds wait.'),
    cfg.IntOpt('max_queued_builds', default=200, min=1,
               help='Maximum number of builds a compute accepts into its '
                    'build queue beyond the running ones.'),
    cfg.IntOpt('report_interval', default=10, min=1,
               help='Seconds between two heartbeats of a service in the '
                    'services table.'),
    cfg.IntOpt('service_down_time', default=60, min=1,
               help='Seconds without a heartbeat after which a service is '
                    'considered down. Must be larger than report_interval.'),
    cfg.IntOpt('long_rpc_timeout', default=1800, min=1,
               help='Seconds a long RPC call (select_destinations, whose '
                    'time grows with the number of servers of a multi-'
                    'create) may take in all. While it runs, the server '
                    'sends a heartbeat every half rpc_response_timeout '
                    '(oslo.messaging call monitoring), so a dead scheduler '
                    'is still noticed after rpc_response_timeout seconds. '
                    'Other calls wait rpc_response_timeout (oslo.messaging, '
                    'default 60).'),
    cfg.StrOpt('stats_dir',
               help='When set, each service writes <binary>-<host>-<pid>.json '
                    'here every report_interval and at exit, with its '
                    'counters: SQL statements, CPU seconds, RSS MiB (used '
                    'by tools/bench_boot.py).'),
    cfg.StrOpt('state_path', default='/var/lib/nova_lite',
               help='Top-level directory for the state of this node '
                    '(image cache, instances, lock files).'),
]


def register_opts(conf):
    conf.register_opts(service_opts)


def list_opts():
    return {'DEFAULT': service_opts}
