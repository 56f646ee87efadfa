"""[compute] options: capacity of a compute node and its build behaviour."""
from oslo_config import cfg

compute_group = cfg.OptGroup('compute', title='Compute node options')

compute_opts = [
    cfg.FloatOpt('cpu_allocation_ratio', default=16.0, min=0.0,
                 help='Virtual CPUs schedulable per physical CPU.'),
    cfg.FloatOpt('ram_allocation_ratio', default=1.5, min=0.0,
                 help='Virtual RAM schedulable per MiB of physical RAM.'),
    cfg.FloatOpt('disk_allocation_ratio', default=1.0, min=0.0,
                 help='Virtual disk schedulable per GiB of local disk.'),
    cfg.IntOpt('reserved_host_memory_mb', default=512, min=0,
               help='Host memory in MiB kept back for the host itself.'),
    cfg.IntOpt('reserved_host_disk_mb', default=0, min=0,
               help='Host disk in MiB kept back for the host itself.'),
    cfg.IntOpt('resource_update_interval', default=60, min=1,
               help='Seconds between two reports of this node\'s resources '
                    'to the compute_nodes table.'),
    cfg.IntOpt('sync_power_state_interval', default=600, min=-1,
               help='Seconds between two power state syncs of this node\'s '
                    'instances with the hypervisor; -1 disables.'),
    cfg.IntOpt('network_sync_interval', default=120, min=-1,
               deprecated_name='security_group_sync_interval',
               help='Seconds between two resyncs of the data plane of '
                    'this node\'s ports from the conductor: DHCP host '
                    'entries, security group chains and floating IP NAT '
                    'are rebuilt from the database, and those of '
                    'instances no longer here removed (catches a flushed '
                    'ruleset, a killed dnsmasq and lost casts; '
                    'doc/networking.md, "Faults"); -1 disables.'),
    cfg.IntOpt('action_timeout', default=600, min=1,
               help='Seconds after which an instance action (reboot, stop, '
                    'start, delete) still in progress is considered lost.'),
    cfg.IntOpt('reclaim_poll_interval', default=60, min=0,
               help='Seconds between two looks of a compute for its '
                    'soft-deleted instances whose time is up (see '
                    '[DEFAULT] reclaim_instance_interval and [cloudstack] '
                    'expunge_delay); 0 disables the periodic task.'),
    cfg.IntOpt('shelved_poll_interval', default=3600, min=0,
               help='Seconds between two looks of a compute for its '
                    'SHELVED servers kept longer than [DEFAULT] '
                    'shelved_offload_time (> 0), which it offloads; 0 '
                    'disables the periodic task.'),
    cfg.StrOpt('default_availability_zone', default='nova',
               help='Availability zone of compute hosts that are in no '
                    'aggregate with an availability_zone.'),
    cfg.IntOpt('max_concurrent_live_migrations', default=1, min=1,
               help='Live migrations a compute runs out of its host at '
                    'once; further ones wait in the migration status '
                    '"queued" (doc/migrations-servers.md).'),
    cfg.IntOpt('block_device_allocate_retries', default=60, min=0,
               help='Times a compute asks whether the volumes a build '
                    'creates (boot from volume from an image, a snapshot '
                    'or blank) are available before failing the build '
                    '(doc/volumes.md, "Boot from volume"); Nova\'s '
                    'option of the same name.'),
    cfg.FloatOpt('block_device_allocate_retries_interval', default=3.0,
                 min=0.0,
                 help='Seconds between those questions.'),
    cfg.IntOpt('live_migration_retry_count', default=3, min=0,
               help='Other destinations the conductor tries when the '
                    'scheduler\'s choice fails the live migration checks '
                    '(CPU, memory, storage) before giving up; a host the '
                    'admin named is never replaced.'),
]


def register_opts(conf):
    conf.register_group(compute_group)
    conf.register_opts(compute_opts, group=compute_group)


def list_opts():
    return {compute_group: compute_opts}
