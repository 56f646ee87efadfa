"""Hypervisor bodies (compute API reference, "Hypervisors
(os-hypervisors)", microversion 2.1: integer ids, no ``uptime`` in the
detail).

A hypervisor is a ``compute_nodes`` row; ``state`` and ``status`` are its
compute service's (up/down, enabled/disabled).  Memory is in MiB, disks in
GiB.  nova_lite records no CPU description nor a measured least available
disk: ``cpu_info`` is ``"{}"`` and ``disk_available_least`` null.
"""
from nova_lite.api.openstack.compute.views import services as service_views
from nova_lite.compute import states

_SUMMED = ('vcpus', 'memory_mb', 'local_gb', 'vcpus_used', 'memory_mb_used',
           'local_gb_used', 'running_vms')


def summary(node, service, down_time):
    """``{"id", "hypervisor_hostname", "state", "status"}``."""
    return {
        'id': node['id'],
        'hypervisor_hostname': node['hypervisor_hostname'],
        'state': 'up' if service_views.is_up(service, down_time)
        else 'down',
        'status': 'disabled' if service['disabled'] else 'enabled',
    }


def with_uptime(node, service, down_time, uptime):
    """Show Hypervisor Uptime: the summary and ``uptime`` (str)."""
    body = summary(node, service, down_time)
    body['uptime'] = uptime
    return body


def workload(instances):
    """Instances with a task in progress (Nova's ``current_workload``)."""
    return sum(1 for inst in instances
               if inst.task_state is not None
               or inst.vm_state == states.BUILDING)


def detail(node, service, down_time, instances):
    """Show Hypervisor Details; ``instances`` are the node's."""
    body = summary(node, service, down_time)
    body.update({name: node[name] for name in _SUMMED})
    body.update({
        'free_ram_mb': node['memory_mb'] - node['memory_mb_used'],
        'free_disk_gb': node['local_gb'] - node['local_gb_used'],
        'current_workload': workload(instances),
        'hypervisor_type': node['hypervisor_type'],
        'hypervisor_version': node['hypervisor_version'],
        'host_ip': node['host_ip'],
        'cpu_info': '{}',
        'disk_available_least': None,
        'service': {'host': service['host'], 'id': service['id'],
                    'disabled_reason': service['disabled_reason']},
    })
    return body


def with_servers(node, service, down_time, instances):
    """A summary with ``servers`` (``uuid``, ``name``) when the node has
    any, as List Hypervisor Servers shows it."""
    body = summary(node, service, down_time)
    if instances:
        body['servers'] = [{'uuid': inst.uuid,
                            'name': inst.instance_name or ''}
                           for inst in instances]
    return body


def statistics(nodes_and_workloads):
    """Show Hypervisor Statistics: sums over ``[(node, workload)]``."""
    stats = {'count': len(nodes_and_workloads)}
    for name in _SUMMED:
        stats[name] = sum(node[name] for node, _w in nodes_and_workloads)
    stats['free_ram_mb'] = stats['memory_mb'] - stats['memory_mb_used']
    stats['free_disk_gb'] = stats['local_gb'] - stats['local_gb_used']
    stats['current_workload'] = sum(w for _n, w in nodes_and_workloads)
    stats['disk_available_least'] = None
    return stats
