"""[metadata] options of the metadata service (``nova-lite-metadata``)
and of its per-node proxy, and ``[DEFAULT]`` config drive options."""
from oslo_config import cfg

metadata_group = cfg.OptGroup('metadata', title='Metadata service options')

metadata_opts = [
    cfg.HostAddressOpt('metadata_listen', default='0.0.0.0',
                       help='Address the metadata service listens on.'),
    cfg.PortOpt('metadata_listen_port', default=8775,
                help='Port the metadata service listens on (8775, as '
                     'Nova\'s nova-api-metadata).'),
    cfg.IntOpt('metadata_workers', default=4, min=1,
               help='Threads of the metadata service\'s WSGI server.'),
    cfg.StrOpt('metadata_proxy_shared_secret', default='', secret=True,
               help='Secret shared with the per-node metadata proxies: '
                    'every request must carry X-Instance-ID-Signature, '
                    'the hex HMAC-SHA256 of X-Instance-ID under this '
                    'secret (or X-Forwarded-For-Signature for the '
                    'address lookup). Empty: every request is refused '
                    '(403); the service never trusts unsigned headers.'),
    cfg.BoolOpt('serve_in_api', default=False,
                help='Also serve the metadata paths (/openstack, /ec2, '
                     '/latest and the dated EC2 versions) from '
                     'nova-lite-api, for a lab without a separate '
                     'nova-lite-metadata.'),
    cfg.URIOpt('metadata_url', default='http://127.0.0.1:8775',
               help='Where the per-node proxy (nova_lite.metadata.proxy) '
                    'forwards guests\' requests.'),
    cfg.HostAddressOpt('proxy_listen', default='169.254.169.254',
                       help='Address the per-node metadata proxy '
                            '(python -m nova_lite.cmd.metadata_proxy) '
                            'listens on, in the guest network\'s '
                            'namespace; the address must be local there '
                            '(doc/networking.md).'),
    cfg.PortOpt('proxy_listen_port', default=80,
                help='Port of the per-node metadata proxy.'),
    cfg.IntOpt('proxy_workers', default=4, min=1,
               help='Threads of the per-node metadata proxy.'),
    cfg.StrOpt('proxy_network_id',
               help='UUID of the network the proxy serves, sent signed '
                    'with address lookups (X-Network-ID); unset: the '
                    'address alone names the guest.'),
    cfg.IntOpt('max_password_bytes', default=256, min=1, max=65535,
               help='Largest password a guest may post to '
                    '/openstack/latest/password (bytes; 256 as Nova).'),
]

config_drive_opts = [
    cfg.BoolOpt('force_config_drive', default=False,
                help='Give every new server a config drive, whether its '
                     'create asked for one or not.'),
    cfg.StrOpt('mkisofs_cmd', default='genisoimage',
               help='Command that builds the config drive ISO 9660 '
                    'image (Debian package genisoimage).'),
]


def register_opts(conf):
    conf.register_group(metadata_group)
    conf.register_opts(metadata_opts, group=metadata_group)
    conf.register_opts(config_drive_opts)


def list_opts():
    return {metadata_group: metadata_opts, 'DEFAULT': config_drive_opts}
