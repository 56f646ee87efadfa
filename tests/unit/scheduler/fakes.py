"""Helpers of the scheduler unit tests: request specs, host states and a
migrated SQLite database with compute nodes."""
import os

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture

import nova_lite.conf  # noqa: F401 - registers the options on cfg.CONF
from nova_lite import context as nl_context
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import services as service_db
from nova_lite.db import session as db_session
from nova_lite.db import migration
from nova_lite import objects
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import request_spec as spec_obj
from nova_lite.scheduler import host_manager
from nova_lite.scheduler import request

CONF = cfg.CONF


def view(*args, **kwargs):
    """The RequestView of ``spec(*args, **kwargs)``, as filters see it."""
    return request.RequestView(spec(*args, **kwargs))


def spec(vcpus=1, memory_mb=512, disk_gb=1, image_props=None, **fields):
    """A RequestSpec of one instance of the given flavor sizes."""
    objects.register_all()
    values = {
        'project_id': 'p', 'user_id': 'u',
        'flavor': instance_obj.Flavor(flavorid='f', name='f', vcpus=vcpus,
                                      memory_mb=memory_mb, root_gb=disk_gb,
                                      ephemeral_gb=0),
        'image': instance_obj.ImageMeta(id='i', properties=image_props or {}),
        'num_instances': 1, 'availability_zone': None,
        'instance_group_uuid': None, 'instance_group_policy': None,
        'scheduler_hints': {}, 'ignore_hosts': []}
    values.update(fields)
    return spec_obj.RequestSpec(**values)


def node(host='node1', **values):
    """A dict as ``node_db.compute_nodes_for_scheduling`` returns it; the
    free amounts come from totals, usage, ratios and reservations given
    as the compute_nodes columns (defaults: 4 vCPUs, 4096 MiB, 100 GiB,
    ratios 1.0, nothing used or reserved)."""
    columns = {
        'vcpus': 4, 'memory_mb': 4096, 'local_gb': 100, 'vcpus_used': 0,
        'memory_mb_used': 0, 'local_gb_used': 0, 'cpu_allocation_ratio': 1.0,
        'ram_allocation_ratio': 1.0, 'disk_allocation_ratio': 1.0,
        'reserved_memory_mb': 0, 'reserved_disk_gb': 0}
    columns.update((k, values.pop(k)) for k in list(values) if k in columns)
    result = {
        'id': 1, 'host': host, 'hypervisor_hostname': host,
        'hypervisor_type': 'fake', 'disabled': False, 'up': True,
        'aggregate_metadata': {},
        'free_vcpus': columns['vcpus'] * columns['cpu_allocation_ratio'] -
        columns['vcpus_used'],
        'free_ram_mb': (columns['memory_mb'] - columns['reserved_memory_mb'])
        * columns['ram_allocation_ratio'] - columns['memory_mb_used'],
        'free_disk_gb': (columns['local_gb'] - columns['reserved_disk_gb'])
        * columns['disk_allocation_ratio'] - columns['local_gb_used']}
    result.update(values)
    return result


def host_state(host='node1', group_hosts=None, instances=(), **values):
    return host_manager.HostState(node(host, **values), group_hosts,
                                  instances)


class Database(fixtures.Fixture):
    """A migrated SQLite database in a temp dir, used through
    ``nova_lite.db``; ``add_host`` registers a compute and its node."""

    def _setUp(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        self.conf = self.useFixture(config_fixture.Config(CONF))
        self.conf.config(connection='sqlite:///%s' % os.path.join(
            tmp, 'nova_lite.sqlite'), group='database')
        db_session.reset()
        self.addCleanup(db_session.reset)
        migration.db_sync()
        self.admin = nl_context.get_admin_context()

    def add_host(self, host, vcpus=4, memory_mb=4096, local_gb=100,
                 ratio=1.0, reserved_memory_mb=0, hypervisor_type='fake'):
        """Register ``host``; returns its compute node dict."""
        service_db.service_register(self.admin, host, 'nova-lite-compute',
                                    'compute')
        return node_db.compute_node_report(
            self.admin, host, host,
            {'vcpus': vcpus, 'memory_mb': memory_mb, 'local_gb': local_gb,
             'hypervisor_type': hypervisor_type},
            {'cpu_allocation_ratio': ratio, 'ram_allocation_ratio': ratio,
             'disk_allocation_ratio': ratio}, reserved_memory_mb, 0)
