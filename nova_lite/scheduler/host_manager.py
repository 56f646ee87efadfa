"""HostState: what the scheduler knows of one compute node while placing.

Free amounts account for allocation ratios and reservations the same way
the claim's conditional UPDATE does (``nova_lite.db.api.claim``), so a host
that passes the filters can be claimed unless another scheduler raced.
"""
import datetime

from oslo_config import cfg

from nova_lite.db import api as db_api

CONF = cfg.CONF


class HostState:
    """One compute node; usage in vCPUs, MiB and GiB."""

    def __init__(self, node):
        self.compute_node_id = node['id']
        self.host = node['host']
        self.nodename = node['hypervisor_hostname']
        self.hypervisor_type = node['hypervisor_type']
        self.vcpus = node['vcpus']
        self.memory_mb = node['memory_mb']
        self.local_gb = node['local_gb']
        self.vcpus_used = node['vcpus_used']
        self.memory_mb_used = node['memory_mb_used']
        self.local_gb_used = node['local_gb_used']
        self.cpu_allocation_ratio = node['cpu_allocation_ratio']
        self.ram_allocation_ratio = node['ram_allocation_ratio']
        self.disk_allocation_ratio = node['disk_allocation_ratio']
        self.reserved_memory_mb = node['reserved_memory_mb']
        self.reserved_disk_gb = node['reserved_disk_gb']
        self.disabled = node.get('disabled', False)
        self.last_seen_up = node.get('last_seen_up')
        self.availability_zone = CONF.compute.default_availability_zone
        self.instances = set()

    @property
    def free_vcpus(self):
        return self.vcpus * self.cpu_allocation_ratio - self.vcpus_used

    @property
    def free_ram_mb(self):
        return ((self.memory_mb - self.reserved_memory_mb)
                * self.ram_allocation_ratio - self.memory_mb_used)

    @property
    def free_disk_gb(self):
        return ((self.local_gb - self.reserved_disk_gb)
                * self.disk_allocation_ratio - self.local_gb_used)

    def consume(self, spec):
        """Account for an instance just claimed here (same request)."""
        self.vcpus_used += spec.vcpus
        self.memory_mb_used += spec.memory_mb
        self.local_gb_used += spec.disk_gb

    def __repr__(self):
        return '<HostState %s/%s>' % (self.host, self.nodename)


def up_since():
    """Heartbeats older than this mean the service is down."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    return now - datetime.timedelta(seconds=CONF.service_down_time)


def get_host_states(context):
    """HostStates of enabled, up compute nodes (one SQL statement)."""
    return [HostState(node) for node in
            db_api.compute_nodes_for_scheduling(context, up_since())]
