"""[libvirt] options: the libvirt virt driver."""
from oslo_config import cfg

libvirt_group = cfg.OptGroup('libvirt', title='libvirt driver options')

libvirt_opts = [
    cfg.StrOpt('connection_uri', default='qemu:///system',
               help='libvirt connection URI; test:///default for libvirt\'s '
                    'built-in test hypervisor.'),
    cfg.StrOpt('virt_type', default='qemu', choices=['qemu', 'kvm'],
               help='Domain type: kvm needs a usable /dev/kvm, qemu is '
                    'software emulation (TCG).'),
    cfg.StrOpt('images_path', default='$state_path/_base',
               help='Per-host cache of base images.'),
    cfg.StrOpt('instances_path', default='$state_path/instances',
               help='Directory of per-instance files (disk, console.log).'),
    cfg.IntOpt('soft_reboot_timeout', default=60, min=0,
               help='Seconds a soft reboot waits for the guest to shut '
                    'down after an ACPI power button press before it '
                    'falls back to a hard reboot (power cycle).'),
    cfg.StrOpt('rng_dev_path', default='/dev/urandom',
               help='Host device that feeds the guests\' virtio RNG '
                    '(every guest gets one unless its flavor says '
                    'hw_rng:allowed=False). Without it a guest\'s kernel '
                    'waits seconds for entropy at boot under TCG (e.g. '
                    'for SSH host keys).'),
    cfg.IntOpt('event_queue_size', default=1000, min=1,
               help='Maximum number of guest lifecycle events waiting to '
                    'be handed to the compute service; further events are '
                    'dropped with a warning (the power state sync catches '
                    'up with them).'),
    cfg.IntOpt('device_detach_timeout', default=20, min=0,
               help='Seconds an interface detach waits for a running '
                    'guest to release the NIC (a live unplug is a request '
                    'the guest\'s kernel answers); past it the detach '
                    'fails and the port stays attached (doc/interfaces.md).'),
    cfg.StrOpt('live_migration_scheme', default='tcp',
               choices=['tcp', 'ssh', 'tls'],
               help='Transport of the libvirt URI of a live migration\'s '
                    'destination (qemu+<scheme>://<address>/system) when '
                    'live_migration_uri is not set.'),
    cfg.StrOpt('live_migration_uri',
               help='libvirt URI of a live migration\'s destination, '
                    '"%s" replaced by the destination host\'s address '
                    '(e.g. qemu+ssh://nova@%s/system); empty: from '
                    'live_migration_scheme.'),
    cfg.StrOpt('live_migration_inbound_addr',
               help='Address other hosts reach this host\'s libvirtd on '
                    'for live migrations to it; empty: its [DEFAULT] '
                    'host name.'),
    cfg.IntOpt('live_migration_bandwidth', default=0, min=0,
               help='Maximum bandwidth of a live migration in MiB/s; 0: '
                    'no limit.'),
    cfg.IntOpt('live_migration_completion_timeout', default=800, min=0,
               help='Seconds per GiB of guest memory and disk to copy '
                    'a live migration may run before '
                    'live_migration_timeout_action is taken; 0 disables.'),
    cfg.IntOpt('live_migration_progress_timeout', default=0, min=0,
               help='Seconds a live migration may go without the '
                    'remaining data shrinking before it is aborted; 0 '
                    'disables.'),
    cfg.StrOpt('live_migration_timeout_action', default='abort',
               choices=['abort', 'force_complete'],
               help='What happens when live_migration_completion_timeout '
                    'passes: abort the job (the server stays on its '
                    'source) or force it to complete (post-copy when '
                    'allowed, else the guest is paused to finish the '
                    'copy).'),
    cfg.BoolOpt('live_migration_permit_post_copy', default=False,
                help='Allow a forced completion to switch the migration '
                     'to post-copy (VIR_MIGRATE_POSTCOPY); without it '
                     'force_complete pauses the guest.'),
    cfg.FloatOpt('live_migration_monitor_interval', default=0.5, min=0.05,
                 help='Seconds between two looks at a running live '
                      'migration job (progress, abort, timeouts).'),
    cfg.StrOpt('remote_filesystem_transport', default='local',
               choices=[('local', 'the source\'s files are on this '
                         'machine (computes sharing one host)'),
                        ('libvirt', 'download them from the source '
                         'host\'s libvirtd (remote_filesystem_uri)')],
               help='How the destination of a cold migration or resize '
                    'gets the instance files the source set aside when '
                    'they are not in this host\'s instances_path (as '
                    'Nova\'s [libvirt] remote_filesystem_transport, '
                    'which uses ssh or rsync).'),
    cfg.StrOpt('remote_filesystem_uri', default='qemu+tcp://%s/system',
               help='libvirt URI of a source host for '
                    'remote_filesystem_transport = libvirt; %s is the '
                    'source compute\'s host name (it must resolve on '
                    'this host).'),
]


def register_opts(conf):
    conf.register_group(libvirt_group)
    conf.register_opts(libvirt_opts, group=libvirt_group)


def list_opts():
    return {libvirt_group: libvirt_opts}
