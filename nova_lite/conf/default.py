"""[DEFAULT] options: identity of this service and its liveness, and the
hypervisor-side name of instances."""
import socket

from oslo_config import cfg

service_opts = [
    cfg.StrOpt('host', default=socket.gethostname(),
               sample_default='<hostname>',
               help='Name of this node. Computes are addressed on the bus by '
                    'it (topic compute.<host>) and it is the host name shown '
                    'in the API.'),
    cfg.StrOpt('cluster',
               help='Name of the CloudStack cluster this compute joins on '
                    'its first resource report when its host is in no '
                    'cluster yet: the cluster of that name in a pod of '
                    'the host\'s availability zone, created in the zone\'s '
                    'pod "default" when missing. An administrator\'s '
                    'updateHost clusterid moves the host afterwards. Unset: '
                    'the host joins no cluster by itself.'),
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

instance_opts = [
    cfg.StrOpt('instance_name_template', default='instance-%(uuid)s',
               help='Template of the name an instance gets on its '
                    'hypervisor (the libvirt domain name), shown as '
                    'OS-EXT-SRV-ATTR:instance_name and as CloudStack\'s '
                    'instancename. Python %-formatting: either with keys '
                    '%(uuid)s and %(id)d (any integer conversion of id, '
                    'e.g. %(id)08x), or with a single positional integer '
                    'conversion that gets the database id, as Nova\'s '
                    'instance-%08x. The name is computed once, when the '
                    'instance is created, and stored with it: changing '
                    'this option names only new instances. The default '
                    'differs from Nova\'s instance-%08x: it is the name '
                    'every guest had before this option existed (so '
                    'existing domains keep matching their instances), it '
                    'is unique across databases, and it is known before '
                    'the instance row is inserted. Include the uuid or '
                    'the id: names must be unique on a hypervisor. The '
                    'libvirt driver takes as its own the domains named '
                    'instance-<uuid> or as this template names them.'),
    cfg.IntOpt('reclaim_instance_interval', default=0, min=0,
               help='Seconds a server deleted through the compute API is '
                    'kept SOFT_DELETED (powered off, restorable with the '
                    'restore action, deleted at once with forceDelete) '
                    'before a compute\'s periodic task deletes it; 0 '
                    'deletes servers at once (as Nova). Servers never '
                    'launched, or with a task in progress, are always '
                    'deleted at once. The time is fixed when the server '
                    'is deleted. See doc/lifecycle.md.'),
    cfg.IntOpt('shelved_offload_time', default=0, min=-1,
               help='Seconds a SHELVED server keeps its guest (powered '
                    'off) and its claim on its host before a compute\'s '
                    'periodic task offloads it (SHELVED_OFFLOADED: guest '
                    'removed, host resources freed). 0 offloads at once '
                    'when the shelve ends (as Nova); -1 never offloads '
                    'by itself (shelveOffload still does). See '
                    'doc/lifecycle-shelve.md.'),
]


resize_opts = [
    cfg.BoolOpt('allow_resize_to_same_host', default=False,
                help='Let the scheduler pick the source host as the '
                     'destination of a resize (the compute API\'s resize '
                     'action): needed on a single-host cloud. The source '
                     'keeps its old claim while the new flavor is claimed '
                     'again on the same node until the resize is '
                     'confirmed or reverted.'),
    cfg.IntOpt('resize_confirm_window', default=0, min=0,
               help='Seconds after which the conductor\'s sweeper '
                    'confirms a resized server (VERIFY_RESIZE) nobody '
                    'confirmed or reverted; 0 never confirms '
                    'automatically.'),
]

usage_audit_opts = [
    cfg.BoolOpt('instance_usage_audit', default=False,
                help='Run the instance usage audit on this compute host: '
                     'once per completed audit period (see '
                     'instance_usage_audit_period) the compute emits an '
                     'instance.exists notification for every instance of '
                     'the host that existed during the period and records '
                     'the run in the task_log table (read by '
                     'os-instance_usage_audit_log). Set it on every '
                     'compute host whose usage is audited.'),
    cfg.StrOpt('instance_usage_audit_period', default='month',
               choices=[('hour', 'Hourly periods, from the full hour.'),
                        ('day', 'Daily periods, from midnight UTC.'),
                        ('month', 'Monthly periods, from the 1st at '
                                  'midnight UTC.'),
                        ('year', 'Yearly periods, from January 1st.')],
               help='Length of the instance usage audit period (as in '
                    'Nova, whose default is month; Nova\'s @offset suffix '
                    'is not supported). Also the period '
                    'os-instance_usage_audit_log reports.'),
    cfg.IntOpt('instance_usage_audit_interval', default=600, min=10,
               help='Seconds between two checks of the instance usage '
                    'audit on a compute host (it runs at most once a '
                    'period; only with instance_usage_audit).'),
]


def register_opts(conf):
    conf.register_opts(service_opts)
    conf.register_opts(instance_opts)
    conf.register_opts(usage_audit_opts)
    conf.register_opts(resize_opts)


def list_opts():
    return {'DEFAULT': service_opts + instance_opts + usage_audit_opts +
            resize_opts}
