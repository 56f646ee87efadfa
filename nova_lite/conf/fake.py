"""[fake] options: the capacity and behaviour of the fake virt driver."""
from oslo_config import cfg

fake_group = cfg.OptGroup('fake', title='Fake virt driver options')

fake_opts = [
    cfg.IntOpt('vcpus', default=16, min=1, help='vCPUs the fake host has.'),
    cfg.IntOpt('memory_mb', default=32768, min=1,
               help='Memory of the fake host in MiB.'),
    cfg.IntOpt('local_gb', default=1024, min=1,
               help='Local disk of the fake host in GiB.'),
    cfg.FloatOpt('spawn_delay', default=0.0, min=0.0,
                 help='Seconds each spawn takes (all fake variants).'),
    cfg.FloatOpt('slow_spawn_delay', default=2.0, min=0.0,
                 help='Seconds each spawn takes with driver=fake_slow.'),
    cfg.FloatOpt('live_migration_duration', default=0.0, min=0.0,
                 help='Seconds the memory copy of a fake live migration '
                      'takes (split in live_migration_steps progress '
                      'reports), so that abort and force_complete can be '
                      'exercised.'),
    cfg.IntOpt('live_migration_steps', default=4, min=1,
               help='Progress reports of a fake live migration.'),
    cfg.FloatOpt('volume_attach_delay', default=0.0, min=0.0,
                 help='Seconds each fake volume attach takes, after the '
                      'export was opened and before the guest has the '
                      'disk, so that a test can kill the compute in the '
                      'middle of an attach.'),
]


def register_opts(conf):
    conf.register_group(fake_group)
    conf.register_opts(fake_opts, group=fake_group)


def list_opts():
    return {fake_group: fake_opts}
