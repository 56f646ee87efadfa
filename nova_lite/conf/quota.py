"""[quota] options: the default limit of each quota resource.

A project without an override (``os-quota-sets`` update) gets these
limits; -1 means unlimited.  The resources and defaults are those of the
compute API reference, "Quota sets (os-quota-sets)", at microversion 2.1.
"""
from oslo_config import cfg

quota_group = cfg.OptGroup('quota', title='Quota options')

quota_opts = [
    cfg.IntOpt('instances', default=10, min=-1,
               help='Servers a project may have; -1 for unlimited.'),
    cfg.IntOpt('cores', default=20, min=-1,
               help='Virtual CPUs the servers of a project may use in all; '
                    '-1 for unlimited.'),
    cfg.IntOpt('ram', default=51200, min=-1,
               help='MiB of RAM the servers of a project may use in all; '
                    '-1 for unlimited.'),
    cfg.IntOpt('metadata_items', default=128, min=-1,
               help='Metadata items of one server; -1 for unlimited.'),
    cfg.IntOpt('key_pairs', default=100, min=-1,
               help='Key pairs of one user; -1 for unlimited.'),
    cfg.IntOpt('server_groups', default=10, min=-1,
               help='Server groups of a project; -1 for unlimited.'),
    cfg.IntOpt('server_group_members', default=10, min=-1,
               help='Servers in one server group; -1 for unlimited.'),
    cfg.IntOpt('floating_ips', default=10, min=-1,
               help='Floating IPs of a project (reported only: nova_lite '
                    'has no floating IPs).'),
    cfg.IntOpt('fixed_ips', default=-1, min=-1,
               help='Fixed IPs of a project (reported only).'),
    cfg.IntOpt('security_groups', default=10, min=-1,
               help='Security groups of a project (reported only: every '
                    'server is in the "default" group).'),
    cfg.IntOpt('security_group_rules', default=20, min=-1,
               help='Rules of one security group (reported only).'),
    cfg.IntOpt('injected_files', default=5, min=-1,
               help='Injected files of one server (reported only: '
                    'nova_lite does not inject files).'),
    cfg.IntOpt('injected_file_content_bytes', default=10240, min=-1,
               help='Bytes of one injected file (reported only).'),
    cfg.IntOpt('injected_file_path_bytes', default=255, min=-1,
               help='Bytes of the path of one injected file (reported '
                    'only).'),
]


def register_opts(conf):
    conf.register_group(quota_group)
    conf.register_opts(quota_opts, group=quota_group)


def list_opts():
    return {quota_group: quota_opts}
