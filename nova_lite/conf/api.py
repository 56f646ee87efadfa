"""[api] options: the compute API and CloudStack API WSGI service."""
from oslo_config import cfg

api_group = cfg.OptGroup('api', title='API options')

api_opts = [
    cfg.StrOpt('listen', default='127.0.0.1',
               help='Address the API server binds to.'),
    cfg.PortOpt('port', default=8774, help='Port the API server binds to.'),
    cfg.IntOpt('threads', default=16, min=1,
               help='Number of request threads of the WSGI server (of '
                    'each worker process when workers is above 1).'),
    cfg.IntOpt('workers', default=1, min=1, max=64,
               help='Worker processes of nova-lite-api. Above 1 the '
                    'parent process binds listen:port once and forks this '
                    'many workers that accept connections on that one '
                    'socket, each with its own request threads, database '
                    'connections and RPC transport; the parent restarts a '
                    'worker that dies and stops them all on SIGTERM. '
                    'Nothing a request needs lives only in one worker\'s '
                    'memory (doc/ha.md). nova-lite-all always serves '
                    'with one process.'),
    cfg.StrOpt('auth_strategy', default='keystone',
               choices=[('keystone',
                         'Validate tokens with keystonemiddleware'),
                        ('noauth', 'Trust X-User-Id / X-Project-Id / '
                                   'X-Roles headers (unit tests only)')],
               help='How requests are authenticated.'),
    cfg.IntOpt('max_limit', default=1000, min=1,
               help='Maximum number of items a list call returns in one '
                    'page; larger limits are capped to it.'),
    cfg.IntOpt('max_request_body_size', default=114688, min=1024,
               help='Largest accepted request body in bytes.'),
    cfg.BoolOpt('enable_instance_password', default=True,
                help='Return an adminPass in the create server response.'),
    cfg.IntOpt('max_pending_builds', default=1000, min=0,
               help='Admission control: most instances that may be in '
                    'BUILD (vm_state building) across the cloud at once, '
                    'counted in the database. A create request that would '
                    'go past it creates fewer servers (down to its '
                    'min_count) or is refused with 503 and Retry-After. '
                    'Concurrent requests may overshoot it by at most one '
                    'request each. 0 disables the check.'),
    cfg.IntOpt('pending_builds_retry_after', default=10, min=1,
               help='Seconds sent in the Retry-After header of a create '
                    'request refused by max_pending_builds.'),
    cfg.StrOpt('public_endpoint',
               help='Base URL used in links of responses, e.g. '
                    'http://controller:8774. Taken from the request when '
                    'unset.'),
]


def register_opts(conf):
    conf.register_group(api_group)
    conf.register_opts(api_opts, group=api_group)


def list_opts():
    return {api_group: api_opts}
