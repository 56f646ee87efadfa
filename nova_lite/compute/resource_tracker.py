"""Reports this node's totals to ``compute_nodes`` (usage comes from
claims and is healed from allocations on each report)."""
from oslo_config import cfg

from nova_lite.db import compute_nodes as node_db

CONF = cfg.CONF


def update_available_resource(context, host, driver):
    """Report every node of ``driver``; returns the node dicts."""
    reserved_disk_gb = (CONF.compute.reserved_host_disk_mb + 1023) // 1024
    ratios = {
        'cpu_allocation_ratio': CONF.compute.cpu_allocation_ratio,
        'ram_allocation_ratio': CONF.compute.ram_allocation_ratio,
        'disk_allocation_ratio': CONF.compute.disk_allocation_ratio,
    }
    running_vms = len(driver.list_instances())
    return [node_db.compute_node_report(
        context, host, nodename,
        dict(driver.get_available_resource(nodename),
             running_vms=running_vms),
        ratios, CONF.compute.reserved_host_memory_mb, reserved_disk_gb)
        for nodename in driver.get_available_nodes()]
