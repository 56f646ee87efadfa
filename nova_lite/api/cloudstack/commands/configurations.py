"""Configuration (CloudStack API reference, "Configuration"):
listConfigurations and updateConfiguration, admin only, for the two
settings nova_lite's engine keeps at run time, CloudStack's overcommit
ratios:

* ``cpu.overcommit.ratio`` and ``mem.overcommit.ratio`` of a cluster
  (``clusterid``): the cluster's ratios (as updateCluster sets them),
  which replace its hosts' allocation ratios in claims; listed with the
  global value when the cluster sets none, as CloudStack falls back;
* the same names without a scope: the global ratios
  (``cluster_api.global_ratios``), used for hosts whose cluster sets
  none (and hosts in no cluster); unset, each host's own ``[compute]
  cpu_allocation_ratio`` / ``ram_allocation_ratio`` applies (listed
  value: this service's, ``defaultvalue``).

A new value applies to the next claim; running VMs keep theirs. An
empty ``value`` unsets the setting (CloudStack's resetConfiguration).
Other names are unknown (431). Event: CONFIGURATION.VALUE.EDIT.
"""
from nova_lite.api.cloudstack.commands import events
from nova_lite.api.cloudstack.commands import pods_clusters
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import ADMIN
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.compute import cluster_api
from nova_lite import exception

#: name → (cluster dict key, ``[compute]`` option, description).
SETTINGS = {
    'cpu.overcommit.ratio': (
        'cpu_overcommit_ratio', 'cpu_allocation_ratio',
        'Used for CPU overprovisioning calculation; available CPU will be '
        '(actualCpuCapacity * cpu.overcommit.ratio)'),
    'mem.overcommit.ratio': (
        'mem_overcommit_ratio', 'ram_allocation_ratio',
        'Used for memory overprovisioning calculation; available memory '
        'will be (actualMemoryCapacity * mem.overcommit.ratio)'),
}


def _text(value):
    return '' if value is None else '%g' % value


def _view(request, name, value, cluster=None):
    _column, option, description = SETTINGS[name]
    default = getattr(request.conf.compute, option)
    body = {'category': 'Advanced', 'name': name,
            'value': _text(default if value is None else value),
            'defaultvalue': _text(default), 'description': description,
            'scope': 'cluster', 'isdynamic': True, 'type': 'Float',
            'component': 'CapacityManager', 'displaytext': name}
    if cluster is not None:
        body['id'] = cluster['uuid']
    return body


def _cluster(request):
    """The cluster dict of ``clusterid`` (None without it).

    :raises: InvalidParameter (431) for an unknown cluster
    """
    cluster_id = request.params['clusterid']
    if not cluster_id:
        return None
    for cluster in cluster_api.cluster_list(request.context):
        if cluster['uuid'] == cluster_id:
            return cluster
    raise errors.InvalidParameter(
        'Unable to execute API command %s due to invalid value %s for '
        'parameter clusterid: no such cluster' % (
            request.command.name.lower(), cluster_id))


def _values(request, cluster):
    """{name: effective value or None} in the scope asked."""
    cloud = cluster_api.global_ratios(request.context)
    if cluster is None:
        return cloud
    return {name: cluster[column] if cluster[column] is not None
            else cloud[name] for name, (column, _o, _d) in SETTINGS.items()}


@command('listConfigurations', role=ADMIN, response_object='configuration',
         listing=True, params=(
             P.Parameter('name', description='the configuration name, '
                         'e.g. mem.overcommit.ratio'),
             P.Parameter('category', description='Advanced'),
             P.Parameter('clusterid', P.UUID, 'the values of this '
                         'cluster'),
         ))
def list_configurations(request):
    """Lists the overcommit ratio settings, global or of a cluster."""
    params = request.params
    cluster = _cluster(request)
    keyword = (params['keyword'] or '').lower()
    items = [_view(request, name, value, cluster)
             for name, value in sorted(_values(request, cluster).items())
             if (not params['name'] or name == params['name'])
             and keyword in name
             and (not params['category'] or
                  params['category'].lower() == 'advanced')]
    page, total = request_mod.paginate(request, items)
    return request_mod.listing(page, 'configuration', total)


def _parse(request):
    """The float of ``value``, or None for an empty one (unset)."""
    if not request.params['value']:
        return None
    return pods_clusters.parse_ratio(request, 'value')


@command('updateConfiguration', role=ADMIN,
         response_object='configuration', params=(
             P.Parameter('name', required=True, description='the '
                         'configuration name: cpu.overcommit.ratio or '
                         'mem.overcommit.ratio'),
             P.Parameter('value', description='a positive number; empty '
                         'unsets it'),
             P.Parameter('clusterid', P.UUID, 'set it for this cluster '
                         '(else globally)'),
         ))
def update_configuration(request):
    """Updates an overcommit ratio, globally or for a cluster; it
    applies to new deployments."""
    name = request.params['name']
    if name not in SETTINGS:
        raise errors.InvalidParameter(
            'Unable to execute API command updateconfiguration due to '
            'invalid value %s for parameter name: nova_lite supports %s'
            % (name[:80], ', '.join(sorted(SETTINGS))))
    cluster, value = _cluster(request), _parse(request)
    try:
        if cluster is not None:
            cluster = cluster_api.cluster_update(
                request.context, cluster['uuid'], {SETTINGS[name][0]: value})
        else:
            cluster_api.global_ratio_set(request.context, name, value)
    except exception.NovaLiteException as exc:
        raise errors.from_exception(exc) from None
    events.record(request, 'CONFIGURATION.VALUE.EDIT', 'Successfully edited '
                  'configuration value: %s = %s%s' % (
                      name, _text(value) or '(unset)',
                      ' (cluster %s)' % cluster['name'] if cluster else ''),
                  cluster['uuid'] if cluster else None)
    return {'configuration': _view(
        request, name, _values(request, cluster)[name], cluster)}
