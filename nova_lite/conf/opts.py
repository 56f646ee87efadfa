"""Entry points for oslo-config-generator (``oslo.config.opts``)."""
from nova_lite.conf import api
from nova_lite.conf import cloudstack
from nova_lite.conf import compute
from nova_lite.conf import conductor
from nova_lite.conf import dashboard
from nova_lite.conf import console
from nova_lite.conf import database
from nova_lite.conf import default
from nova_lite.conf import fake
from nova_lite.conf import image
from nova_lite.conf import libvirt
from nova_lite.conf import metadata
from nova_lite.conf import metrics
from nova_lite.conf import network
from nova_lite.conf import notifications
from nova_lite.conf import quota
from nova_lite.conf import scheduler
from nova_lite.conf import service_user
from nova_lite.conf import virt
from nova_lite.conf import volume

_MODULES = (default, api, cloudstack, compute, conductor, console,
            dashboard, database, fake, image, libvirt, metadata, metrics,
            network, notifications, quota, scheduler, service_user, virt,
             volume)


def list_opts():
    """Return [(group, [opts])] for every nova_lite option."""
    result = []
    for mod in _MODULES:
        for group, opts in mod.list_opts().items():
            result.append((group, opts))
    return result


def set_defaults(conf=None):
    """Apply nova_lite's defaults to library options (sample generation)."""
    from oslo_config import cfg
    database.register_opts(conf or cfg.CONF)
