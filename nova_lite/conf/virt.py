"""[virt] options: which hypervisor driver a compute uses."""
from oslo_config import cfg

virt_group = cfg.OptGroup('virt', title='Virt driver options')

virt_opts = [
    cfg.StrOpt('driver', default='fake',
               choices=[('fake', 'In-memory fake hypervisor'),
                        ('fake_fail_first',
                         'Fake that fails the first spawn on a host'),
                        ('fake_fail_always', 'Fake whose spawns all fail'),
                        ('fake_slow', 'Fake whose spawns take '
                                      '[fake] spawn_delay seconds'),
                        ('libvirt', 'libvirt (QEMU/KVM or test:///)')],
               help='Hypervisor driver of this compute.'),
]


def register_opts(conf):
    conf.register_group(virt_group)
    conf.register_opts(virt_opts, group=virt_group)


def list_opts():
    return {virt_group: virt_opts}
