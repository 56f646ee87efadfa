"""Hypervisor bodies (compute API reference, "Hypervisors
(os-hypervisors)", microversion 2.1: integer ids, no ``uptime`` in the
detail; from 2.53 the ids of hypervisors and of their services are
uuids).

A hypervisor is a ``compute_nodes`` row with its compute ``service``
(``nova_lite.compute.host_api.hypervisor_list``); ``state`` and
``status`` are the service's (up/down, enabled/disabled).  Memory is in
MiB, disks in GiB.  nova_lite records no CPU description nor a measured
least available disk: ``cpu_info`` is empty (the string ``"{}"``, and
from microversion 2.28 the object ``{}``) and ``disk_available_least``
null.  From microversion 2.88 the detail loses the resource figures
(``_REMOVED_2_88``) and gains ``uptime``.
"""
from nova_lite.api import microversion
from nova_lite.api.openstack.compute.views import services as service_views

_SUMMED = ('vcpus', 'memory_mb', 'local_gb', 'vcpus_used', 'memory_mb_used',
           'local_gb_used', 'running_vms')


def summary(hypervisor):
    """``{"id", "hypervisor_hostname", "state", "status"}``."""
    service = hypervisor['service']
    return {
        'id': (hypervisor['uuid'] if microversion.at_least('2.53')
               else hypervisor['id']),
        'hypervisor_hostname': hypervisor['hypervisor_hostname'],
        'state': service_views.state(service),
        'status': service_views.status(service),
    }


def with_uptime(hypervisor, uptime):
    """Show Hypervisor Uptime: the summary and ``uptime`` (str)."""
    body = summary(hypervisor)
    body['uptime'] = uptime
    return body


def detail(hypervisor, uptime=None):
    """Show Hypervisor Details; ``hypervisor`` has ``current_workload``
    (its instances with a task in progress or building).  Before 2.88
    the body has the resource figures (``vcpus``, memory MiB, disk GiB,
    their use, ``running_vms``, ``cpu_info``...); from 2.88 it has
    ``uptime`` instead (the host's ``uptime`` line, or None when it
    cannot be asked)."""
    service = hypervisor['service']
    body = summary(hypervisor)
    body.update({
        'hypervisor_type': hypervisor['hypervisor_type'],
        'hypervisor_version': hypervisor['hypervisor_version'],
        'host_ip': hypervisor['host_ip'],
        'service': {'host': service['host'],
                    'id': service_views.service_id(service),
                    'disabled_reason': service['disabled_reason']},
    })
    if microversion.at_least('2.88'):
        body['uptime'] = uptime
        return body
    body.update({name: hypervisor[name] for name in _SUMMED})
    body.update({
        'free_ram_mb': hypervisor['memory_mb'] - hypervisor['memory_mb_used'],
        'free_disk_gb': hypervisor['local_gb'] - hypervisor['local_gb_used'],
        'current_workload': hypervisor['current_workload'],
        'cpu_info': {} if microversion.at_least('2.28') else '{}',
        'disk_available_least': None,
    })
    return body


def with_servers(hypervisor, servers, view=None):
    """A summary (or ``view`` of the hypervisor) with ``servers``
    (``uuid``, ``name``) when the node has any, as List Hypervisor
    Servers (and from 2.53 ``with_servers``) shows it; from 2.75
    ``servers`` is there (maybe empty) whenever asked for.

    :param servers: ``[{"uuid", "id", "instance_name"}]`` of the node's
        instances; ``name`` is the stored (hypervisor-side) instance name
    """
    body = (view or summary)(hypervisor)
    if servers or microversion.at_least('2.75'):
        body['servers'] = [{'uuid': s['uuid'],
                            'name': s['instance_name'] or ''}
                           for s in servers]
    return body


def statistics(sums):
    """Show Hypervisor Statistics from ``host_api.hypervisor_statistics``:
    ``count``, the sums, ``free_ram_mb``, ``free_disk_gb``,
    ``current_workload`` and a null ``disk_available_least``."""
    stats = {'count': sums['count']}
    stats.update((name, sums[name]) for name in _SUMMED)
    stats['free_ram_mb'] = stats['memory_mb'] - stats['memory_mb_used']
    stats['free_disk_gb'] = stats['local_gb'] - stats['local_gb_used']
    stats['current_workload'] = sums['current_workload']
    stats['disk_available_least'] = None
    return stats
