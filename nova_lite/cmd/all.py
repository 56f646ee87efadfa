"""nova-lite-all: every service in one process, the embedded default.

API, conductor, scheduler, the volume service and ``--compute-hosts``
fake computes share oslo.messaging's in-process ``fake://`` bus and,
unless configured otherwise, a SQLite database under ``state_path``.
The schema is synced and the default flavors, network and image are
created at start. Volumes are files under ``[volume] volumes_dir``
exported on 127.0.0.1 without the nftables filter (one host: nothing
else to keep out; the filter needs CAP_NET_ADMIN), doc/volumes.md.
"""
import os
import sys

from oslo_config import cfg

from nova_lite.api import server as api_server
from nova_lite import bootstrap
from nova_lite.cmd import common
from nova_lite.cmd import compute as compute_cmd
from nova_lite.conductor import manager as conductor_manager
from nova_lite import context as nl_context
from nova_lite.db import migration
from nova_lite.scheduler import manager as scheduler_manager
from nova_lite import service
from nova_lite import servicegroup
from nova_lite.volume import manager as volume_manager
from nova_lite.volume import rpcapi as volume_rpcapi

CONF = cfg.CONF

cli_opts = [
    cfg.IntOpt('compute-hosts', default=1, min=1,
               help='Number of fake compute hosts to run.'),
]


def _set_embedded_defaults():
    CONF.set_default('transport_url', 'fake://')
    CONF.set_default('auth_strategy', 'noauth', group='api')
    CONF.set_default('connection', 'sqlite:///%s' % os.path.join(
        CONF.state_path, 'nova_lite.sqlite'), group='database')
    # The computes download images from this process's own image API.
    listen = CONF.api.listen
    if listen in ('0.0.0.0', '::', ''):
        listen = '127.0.0.1'
    CONF.set_default('api_endpoint', 'http://%s:%d/image' % (
        listen, CONF.api.port), group='image')
    CONF.set_default('export_filter', 'none', group='volume')


def build_services(compute_hosts):
    """Conductor, scheduler, the volume service and the fake computes of
    this process: one compute named after ``host``, or ``compute-1`` ...
    ``compute-N``."""
    host = CONF.host
    computes = (compute_cmd.compute_services(host) if compute_hosts == 1
                else compute_cmd.compute_services('compute', compute_hosts))
    return [
        service.Service(host, servicegroup.CONDUCTOR, 'conductor',
                        conductor_manager.ConductorManager(host)),
        service.Service(host, servicegroup.SCHEDULER, 'scheduler',
                        scheduler_manager.SchedulerManager(host)),
        service.Service(host, servicegroup.VOLUME, volume_rpcapi.TOPIC,
                        volume_manager.VolumeManager(host)),
    ] + computes


def prepare_database():
    """Schema and default content (idempotent)."""
    migration.db_sync()
    ctxt = nl_context.get_admin_context()
    bootstrap.ensure_flavors(ctxt)
    bootstrap.ensure_network(ctxt)
    bootstrap.ensure_image(ctxt, 'tiny')


def _main(argv):
    common.parse_args(argv, cli_opts=cli_opts,
                      set_defaults=_set_embedded_defaults)
    os.makedirs(CONF.state_path, exist_ok=True)
    prepare_database()
    services = build_services(CONF.compute_hosts)
    stop_metrics = common.start_metrics('nova-lite-all')
    for svc in services:
        svc.start()
    try:
        return api_server.run_api(CONF)
    finally:
        for svc in reversed(services):
            svc.stop(graceful=False)
        stop_metrics()


def main():
    sys.exit(common.main_wrapper(_main))
