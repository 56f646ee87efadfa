"""[conductor] options: the build orchestrator and its sweeper."""
from oslo_config import cfg

conductor_group = cfg.OptGroup('conductor', title='Conductor options')

conductor_opts = [
    cfg.IntOpt('workers', default=8, min=1,
               help='Threads that handle RPC requests in the conductor.'),
    cfg.FloatOpt('report_batch_interval', default=1.0, min=0.0,
                 help='Seconds between two writes of the computes\' queued '
                      'heartbeats and resource reports: all the heartbeats '
                      'in one UPDATE, all the reports in one transaction '
                      '(1,000 hosts send 100 heartbeats a second). 0 writes '
                      'each one as it comes.'),
    cfg.IntOpt('build_timeout', default=600, min=1,
               help='Seconds after which an instance still in BUILD is '
                    'moved to ERROR with a fault by the sweeper.'),
    cfg.IntOpt('redrive_timeout', default=120, min=1,
               help='Seconds after which a build whose cast was lost '
                    '(still scheduling, or claimed but never started by its '
                    'compute) is re-driven by the sweeper; must be smaller '
                    'than build_timeout.'),
    cfg.IntOpt('action_redrive_timeout', default=300, min=1,
               help='Seconds after which a server action whose cast was '
                    'lost (a delete, reboot, stop or start still in its '
                    'task state) is cast again to the server\'s compute by '
                    'the sweeper, while that compute is up (a compute that '
                    'is down finishes or undoes them when it starts). A '
                    'repeated cast is harmless: the compute checks the task '
                    'state under the instance lock.'),
    cfg.IntOpt('sweep_interval', default=60, min=1,
               help='Seconds between two sweeps for stuck instances.'),
    cfg.IntOpt('resize_timeout', default=900, min=1,
               help='Seconds a resize step (scheduling, moving the disk, '
                    'finishing on the destination, a revert) may go '
                    'without progress before the sweeper fails the '
                    'resize: the server goes back to its source host and '
                    'old flavor in ERROR with a fault, the destination '
                    'claim is released (doc/lifecycle-resize.md).'),
    cfg.IntOpt('live_migration_timeout', default=900, min=1,
               help='Seconds a live migration may go without progress '
                    '(no status change nor progress report) before the '
                    'sweeper rolls it back: the migration is "error", '
                    'the destination claim released and the server '
                    'ACTIVE on its source with a fault '
                    '(doc/migrations-servers.md).'),
]


def register_opts(conf):
    conf.register_group(conductor_group)
    conf.register_opts(conductor_opts, group=conductor_group)


def list_opts():
    return {conductor_group: conductor_opts}
