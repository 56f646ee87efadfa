"""Reports this node's totals to ``compute_nodes`` (usage comes from
claims and is healed from allocations on each report), through the
conductor (a cast per node); the report's ``resources`` carry the
``[DEFAULT] cluster`` the host joins when it is in none."""
from oslo_config import cfg

CONF = cfg.CONF


def update_available_resource(context, host, driver, conductor):
    """Report every node of ``driver`` with ``conductor``
    (``ConductorAPI``) casts; returns the reports sent, dicts nodename,
    resources (MiB, GiB), ratios."""
    reserved_disk_gb = (CONF.compute.reserved_host_disk_mb + 1023) // 1024
    ratios = {
        'cpu_allocation_ratio': CONF.compute.cpu_allocation_ratio,
        'ram_allocation_ratio': CONF.compute.ram_allocation_ratio,
        'disk_allocation_ratio': CONF.compute.disk_allocation_ratio,
    }
    running_vms = len(driver.list_instances())
    reports = []
    for nodename in driver.get_available_nodes():
        resources = dict(driver.get_available_resource(nodename),
                         running_vms=running_vms)
        if CONF.cluster:
            # Read by conductors that know clusters; others ignore it.
            resources['cluster'] = CONF.cluster
        conductor.compute_node_report(
            context, host, nodename, resources, ratios,
            CONF.compute.reserved_host_memory_mb, reserved_disk_gb)
        reports.append({'nodename': nodename, 'resources': resources,
                        'ratios': ratios})
    return reports
