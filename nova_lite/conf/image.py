"""[image] options: the local image store."""
from oslo_config import cfg

image_group = cfg.OptGroup('image', title='Image store options')

image_opts = [
    cfg.StrOpt('store_path', default='$state_path/images',
               help='Directory holding uploaded image files, one per image '
                    'id. Computes on other nodes read it through the '
                    'image endpoint or a shared mount.'),
    cfg.StrOpt('api_endpoint',
               help='Base URL of the image endpoint (e.g. '
                    'http://controller:8774/image) computes download image '
                    'files from when store_path is not local to them.'),
    cfg.IntOpt('max_image_size_mb', default=10240, min=1,
               help='Largest image file accepted on upload, in MiB.'),
    cfg.ListOpt('import_allowed_dirs', default=[],
                help='Directories whose files CloudStack registerTemplate '
                     'may import by a file:// URL (none by default). HTTP '
                     'and HTTPS URLs must name a loopback address '
                     '(localhost, 127.0.0.0/8, ::1): see doc/cloudstack.md '
                     '"Templates".'),
    cfg.IntOpt('import_timeout', default=600, min=1,
               help='Seconds a registerTemplate download may take in all '
                    '(and the socket timeout of each read); past it the '
                    'template is Download Failed.'),
    cfg.IntOpt('import_workers', default=2, min=1,
               help='registerTemplate downloads running at once in the API '
                    'process; more wait their turn (Download In Progress).'),
]


def register_opts(conf):
    conf.register_group(image_group)
    conf.register_opts(image_opts, group=image_group)


def list_opts():
    return {image_group: image_opts}
