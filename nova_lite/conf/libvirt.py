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
