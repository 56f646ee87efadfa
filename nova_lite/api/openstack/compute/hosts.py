"""``/v2.1/os-hosts``: hosts and their services, the resources of a
compute host, enable/disable a compute host (compute API reference,
"Hosts (os-hosts) (DEPRECATED)"; admins only). Served from microversion
2.1 to 2.42 and a 404 from 2.43 (``versions_history.ROUTES``).

* The list shows every *enabled* service (Nova filters out disabled
  ones) as ``{host_name, service, zone}``, ``service`` being the topic
  (``compute``, ``conductor``, ``scheduler``); ``?zone=`` keeps those of
  one zone (an empty zone lists all).
* The show gives the compute node's ``(total)`` and ``(used_now)``
  resources, the ``(used_max)`` sum of the flavors of its live instances
  and the same sum per project; a host without compute node is a 404.
* ``PUT`` ``status`` enable/disable sets the ``disabled`` flag of the
  host's compute service, the one os-services and CloudStack's
  ``updateHost`` set (the scheduler skips a disabled host).
  ``maintenance_mode`` enable/disable puts the host into maintenance or
  takes it out (``nova_lite.compute.maintenance``, the flow of
  CloudStack's prepareHostForMaintenance / cancelHostMaintenance: its
  running servers live-migrate to other hosts of its cluster; as
  Nova's XenAPI driver did): ``on_maintenance`` / ``off_maintenance``;
  409 when the host cannot enter (or is not in) maintenance. The
  ``startup``, ``shutdown`` and ``reboot`` actions are not implemented
  by any nova_lite virt driver: a 501, as Nova answers when the driver
  cannot (after a 404 for an unknown host).
"""
import flask

from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import services as \
    service_views
from nova_lite.compute import host_api
from nova_lite.compute import maintenance
from nova_lite import policy
from nova_lite.policies import admin_actions as admin_policies
from nova_lite.policies import hosts as host_policies

bp = flask.Blueprint('hosts', __name__, url_prefix='/v2.1/os-hosts')
HOSTS = host_policies.HOSTS
MIGRATE_LIVE = admin_policies.MIGRATE_LIVE


def _authorized_context(action):
    context = openstack.context()
    policy.authorize(context, HOSTS % action)
    return context


def topic(service):
    """``nova-lite-compute`` → ``compute``."""
    return service_views.api_binary(service['binary'])[
        len(service_views.API_PREFIX):]


@bp.get('')
def index():
    """200 ``{"hosts": [{"host_name", "service", "zone"}]}``."""
    context = _authorized_context('list')
    zone = flask.request.args.get('zone') or None
    return {'hosts': [
        {'host_name': s['host'], 'service': topic(s), 'zone': s['zone']}
        for s in host_api.host_services(context, zone=zone)]}


def _resource(host, project, cpu, memory_mb, disk_gb):
    return {'resource': {'host': host, 'project': project, 'cpu': cpu,
                         'memory_mb': memory_mb, 'disk_gb': disk_gb}}


@bp.get('/<host_name>')
def show(host_name):
    """200 ``{"host": [{"resource": {host, project, cpu, memory_mb,
    disk_gb}}, ...]}``: ``(total)``, ``(used_now)``, ``(used_max)``,
    then one per project; 404 for a host without compute node."""
    context = _authorized_context('show')
    node, instances = host_api.host_resources(context, host_name)
    resources = [
        _resource(host_name, '(total)', node['vcpus'], node['memory_mb'],
                  node['local_gb']),
        _resource(host_name, '(used_now)', node['vcpus_used'],
                  node['memory_mb_used'], node['local_gb_used'])]
    used_max = _resource(host_name, '(used_max)', 0, 0, 0)
    by_project = {}
    for instance in instances:
        project = by_project.setdefault(
            instance.project_id,
            _resource(host_name, instance.project_id, 0, 0, 0))
        for entry in (used_max, project):
            entry['resource']['cpu'] += instance.vcpus
            entry['resource']['memory_mb'] += instance.memory_mb
            entry['resource']['disk_gb'] += (instance.root_gb
                                             + instance.ephemeral_gb)
    return {'host': resources + [used_max] + list(by_project.values())}


@bp.put('/<host_name>')
def update(host_name):
    """200 ``{"host", "status": "enabled"|"disabled", "maintenance_mode":
    "on_maintenance"|"off_maintenance"}`` (the keys asked for; status
    first, as Nova); 404 for a host without compute service; 409 for a
    maintenance change the host's state refuses."""
    context = _authorized_context('update')
    body = openstack.body()
    result = {'host': host_name}
    if 'status' in body:
        result['status'] = host_api.host_set_enabled(
            context, host_name, body['status'].lower() == 'enable')
    if 'maintenance_mode' in body:
        result['maintenance_mode'] = _set_maintenance(
            context, host_name, body['maintenance_mode'].lower() == 'enable')
    return result


def _set_maintenance(context, host_name, enable):
    if enable:
        policy.authorize(context, MIGRATE_LIVE)
        maintenance.prepare(context, host_name, openstack.compute_api())
        return 'on_maintenance'
    maintenance.cancel(context, host_name)
    return 'off_maintenance'


@bp.get('/<host_name>/startup')
def startup(host_name):
    """404 for an unknown host, else 501: no virt driver starts hosts."""
    context = _authorized_context('start')
    host_api.host_unsupported(context, host_name, 'startup')


@bp.get('/<host_name>/shutdown')
def shutdown(host_name):
    """404 for an unknown host, else 501: no virt driver shuts hosts
    down."""
    context = _authorized_context('shutdown')
    host_api.host_unsupported(context, host_name, 'shutdown')


@bp.get('/<host_name>/reboot')
def reboot(host_name):
    """404 for an unknown host, else 501: no virt driver reboots
    hosts."""
    context = _authorized_context('reboot')
    host_api.host_unsupported(context, host_name, 'reboot')
