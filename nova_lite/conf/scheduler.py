"""[scheduler] options: filters, weighers and retries."""
from oslo_config import cfg

scheduler_group = cfg.OptGroup('scheduler', title='Scheduler options')

scheduler_opts = [
    cfg.IntOpt('max_attempts', default=3, min=1,
               help='Hosts tried for one instance: the chosen host plus '
                    'max_attempts - 1 alternates for reschedules.'),
    cfg.IntOpt('host_subset_size', default=1, min=1,
               help='The host is chosen at random among this many of the '
                    'best weighed hosts, to reduce races between '
                    'schedulers.'),
    cfg.IntOpt('max_candidates', default=100, min=0,
               help='Compute nodes one select_destinations request reads '
                    'and weighs (as Nova\'s max_placement_results bounds '
                    'what placement returns): the nodes that pass the SQL '
                    'prefilter are ranked in the database by the active '
                    'weighers (or the deployment planner\'s cluster and pod '
                    'order) and only the best this many are read, at least '
                    'num_instances x max_attempts for a multi-create. When '
                    'every one of them is rejected by a filter or lost to a '
                    'concurrent claim while more nodes passed, all of them '
                    'are read once more. 0 reads every node (the cost of a '
                    'request then grows with the number of hosts). See '
                    'doc/scheduler.md, "Candidates".'),
    cfg.ListOpt('enabled_filters',
                default=['ComputeFilter', 'AvailabilityZoneFilter',
                         'RamFilter', 'CoreFilter', 'DiskFilter',
                         'ServerGroupAntiAffinityFilter',
                         'ServerGroupAffinityFilter', 'SameHostFilter',
                         'DifferentHostFilter', 'ImagePropertiesFilter',
                         'AggregateImagePropertiesIsolation',
                         'StoragePoolFilter'],
                help='Filters a host must pass, in order. ComputeFilter, '
                     'AvailabilityZoneFilter and (all three together) '
                     'RamFilter, CoreFilter, DiskFilter are applied in SQL '
                     'first. IgnoreHostsFilter is always added.'),
    cfg.FloatOpt('ram_weight_multiplier', default=1.0,
                 help='Weight of free RAM; positive spreads, negative '
                      'packs.'),
    cfg.FloatOpt('cpu_weight_multiplier', default=1.0,
                 help='Weight of free vCPUs; positive spreads, negative '
                      'packs.'),
    cfg.FloatOpt('disk_weight_multiplier', default=1.0,
                 help='Weight of free disk; positive spreads, negative '
                      'packs.'),
    cfg.FloatOpt('soft_affinity_weight_multiplier', default=10.0, min=0.0,
                 help='Weight of the members of a soft-affinity server '
                      'group already on a host (more members, better). '
                      'Above the sum of the resource multipliers, the '
                      'policy wins over spreading whenever the host fits.'),
    cfg.FloatOpt('soft_anti_affinity_weight_multiplier', default=10.0,
                 min=0.0,
                 help='Weight of the members of a soft-anti-affinity server '
                      'group already on a host (fewer members, better). '
                      'Above the sum of the resource multipliers, the '
                      'policy wins over packing whenever a host fits.'),
    cfg.StrOpt('deployment_planner',
               choices=('FirstFitPlanner', 'UserDispersingPlanner',
                        'UserConcentratedPodPlanner'),
               help='CloudStack deployment planner of flavors without a '
                    '``cloudstack:deployment_planner`` extra spec: the order '
                    'in which clusters and pods are tried (doc/cloudstack.md,'
                    ' "Deployment planners"). Unset: hosts are ranked by the '
                    'weighers alone, as for the compute API.'),
    cfg.IntOpt('workers', default=8, min=1,
               help='Threads that handle RPC requests in the scheduler.'),
]


def register_opts(conf):
    conf.register_group(scheduler_group)
    conf.register_opts(scheduler_opts, group=scheduler_group)


def list_opts():
    return {scheduler_group: scheduler_opts}
