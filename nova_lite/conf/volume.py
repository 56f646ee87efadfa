"""[volume] options: the block storage service (doc/volumes.md)."""
from oslo_config import cfg

volume_group = cfg.OptGroup('volume', title='Block storage options')

volume_opts = [
    cfg.StrOpt('volumes_dir', default='$state_path/volumes',
               help='Directory of the volume service\'s files: one '
                    '"volume-<uuid>" per volume, one '
                    '"snapshot-<uuid>" per snapshot.'),
    cfg.StrOpt('volume_format', default='raw', choices=['raw', 'qcow2'],
               help='Format of new volume files.'),
    cfg.StrOpt('export_address', default='127.0.0.1',
               help='Address the NBD exports of this volume service '
                    'listen on (the storage link); it is the "host" of '
                    'the connection info given to attachers.'),
    cfg.StrOpt('connector_ip', default='127.0.0.1',
               help='Compute side: the address this compute host reaches '
                    'the volume exports from (its storage link), given as '
                    'the connector "ip" when it attaches a volume: the '
                    'export answers this address only.'),
    cfg.PortOpt('export_port_min', default=10809,
                help='Lowest TCP port of an NBD export (one per '
                     'attachment).'),
    cfg.PortOpt('export_port_max', default=10909,
                help='Highest TCP port of an NBD export.'),
    cfg.StrOpt('export_filter', default='nftables',
               choices=['nftables', 'none'],
               help='How an export is kept to its attaching host: '
                    '"nftables" (an inet table nova_lite_volume in this '
                    'service\'s network namespace accepts an export port '
                    'only from the attachment\'s connector ip and drops '
                    'it from anyone else) or "none" (no filter: tests '
                    'on loopback only).'),
    cfg.StrOpt('qemu_nbd', default='qemu-nbd',
               help='qemu-nbd executable serving the exports.'),
    cfg.StrOpt('qemu_img', default='qemu-img',
               help='qemu-img executable creating, converting and '
                    'resizing volume files.'),
    cfg.StrOpt('nft', default='nft', help='nft executable.'),
    cfg.IntOpt('capacity_gb', default=100, min=1,
               help='GiB of volumes this service holds before '
                    'over-subscription.'),
    cfg.FloatOpt('max_over_subscription_ratio', default=2.0, min=1.0,
                 help='Volumes may add up to capacity_gb times this.'),
    cfg.IntOpt('sweep_interval', default=60, min=1,
               help='Seconds between two sweeps of volumes stuck in a '
                    'transitional status.'),
    cfg.IntOpt('transition_timeout', default=600, min=1,
               help='Seconds a volume may stay creating, attaching, '
                    'detaching, deleting or extending before the sweeper '
                    'moves it to error (a detaching one without an open '
                    'export back to available).'),
    cfg.IntOpt('quota_volumes', default=10, min=-1,
               help='Volumes a project may hold; -1 for unlimited.'),
    cfg.IntOpt('quota_gigabytes', default=1000, min=-1,
               help='GiB of volumes and snapshots a project may hold; '
                    '-1 for unlimited.'),
    cfg.IntOpt('quota_snapshots', default=10, min=-1,
               help='Volume snapshots a project may hold; -1 for '
                    'unlimited.'),
    cfg.IntOpt('max_size_gb', default=1000, min=1,
               help='Largest volume one request may create or extend '
                    'to, GiB.'),
    cfg.IntOpt('image_fetch_timeout', default=600, min=1,
               help='Seconds to download an image for a volume created '
                    'from it.'),
    cfg.BoolOpt('cross_az_attach', default=True,
                help='Whether a server may use a volume of another '
                     'availability zone at create (boot from volume); '
                     'when false the zones must match (400 otherwise) '
                     'and a server created without a zone takes the '
                     'volume\'s. Nova\'s [cinder] cross_az_attach.'),
]


def register_opts(conf):
    conf.register_group(volume_group)
    conf.register_opts(volume_opts, group=volume_group)


def list_opts():
    return {volume_group: volume_opts}
