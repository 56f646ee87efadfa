"""Configuration options, one module per group.

Importing this package registers every option on the global ``CONF``.
"""
from oslo_config import cfg

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
from nova_lite.conf import rpc
from nova_lite.conf import scheduler
from nova_lite.conf import service_user
from nova_lite.conf import virt
from nova_lite.conf import volume

CONF = cfg.CONF

for _mod in (api, cloudstack, compute, conductor, console, dashboard,
             database, default, fake, image, libvirt, metadata, metrics,
             network, notifications, quota, scheduler, service_user, virt,
             volume):
    _mod.register_opts(CONF)

rpc.register_opts(CONF)
