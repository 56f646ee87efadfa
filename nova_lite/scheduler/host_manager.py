"""HostState: what the scheduler knows of one compute node while placing.

Free amounts account for allocation ratios and reservations the same way
the claim's conditional UPDATE does (``nova_lite.db.claims.claim``), so a
host that passes the filters can be claimed unless another scheduler raced.

Host states are built per request (``get_host_states``): the cheap filters
(ComputeFilter, AvailabilityZoneFilter, Ram/Core/DiskFilter) are applied in
SQL first, and each state carries what the other filters and weighers of
this request need (aggregate metadata, the hosts of the server group's
members, the hinted instances on the host).
"""
from nova_lite import availability_zones
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import instances as instance_db
from nova_lite.db import server_groups as group_db

AZ_KEY = availability_zones.AZ_KEY
#: Filters whose test ``compute_nodes_for_scheduling`` also does in SQL.
CAPACITY_FILTERS = frozenset(('RamFilter', 'CoreFilter', 'DiskFilter'))
AZ_FILTER = 'AvailabilityZoneFilter'


class HostState:
    """One compute node: its free vCPUs, RAM (MiB) and disk (GiB) after
    allocation ratios and reservations, as the claim computes them, and
    its CloudStack cluster and pod (uuids, or None).

    :param node: a dict of ``node_db.compute_nodes_for_scheduling``
    :param group_hosts: {host: members of the request's server group
        holding an allocation there}, shared by the request's states
    :param instances: uuids of hinted instances (same_host,
        different_host) that run on this host
    :param default_zone: zone of a host in no zone aggregate (default
        ``[compute] default_availability_zone``)
    :param group_max_per_host: members of the request's anti-affinity
        group one host may run (its ``max_server_per_host`` rule)
    """

    def __init__(self, node, group_hosts=None, instances=(),
                 default_zone=None, group_max_per_host=1):
        self.compute_node_id = node['id']
        self.host = node['host']
        self.nodename = node['hypervisor_hostname']
        self.hypervisor_type = node['hypervisor_type']
        self.cluster_uuid = node.get('cluster_uuid')
        self.pod_uuid = node.get('pod_uuid')
        self.free_vcpus = node['free_vcpus']
        self.free_ram_mb = node['free_ram_mb']
        self.free_disk_gb = node['free_disk_gb']
        self.disabled = node.get('disabled', False)
        self.up = bool(node.get('up', True))
        self.aggregate_metadata = node.get('aggregate_metadata') or {}
        zones = sorted(self.aggregate_metadata.get(AZ_KEY, ()))
        self.availability_zone = zones[0] if zones else (
            default_zone or availability_zones.default_zone())
        self.group_hosts = {} if group_hosts is None else group_hosts
        self.group_max_per_host = group_max_per_host
        self.instances = set(instances)
        #: Instances of the request's account holding a claim on this
        #: host, when the candidate query counted them (account
        #: planners), else None.
        self.project_instances = node.get('project_instances')

    @property
    def group_members(self):
        """Members of the request's server group with an allocation on
        this host."""
        return self.group_hosts.get(self.host, 0)

    def consume(self, spec):
        """Account for an instance of ``spec`` (a RequestView) just
        claimed here."""
        self.free_vcpus -= spec.vcpus
        self.free_ram_mb -= spec.memory_mb
        self.free_disk_gb -= spec.disk_gb
        if spec.instance_group_uuid:
            self.group_hosts[self.host] = self.group_members + 1

    def __repr__(self):
        return '<HostState %s/%s>' % (self.host, self.nodename)


def hinted_instances(spec):
    """Instance uuids named by the same_host and different_host hints."""
    return spec.same_host | spec.different_host


def _sql_prefilter(spec, filter_names):
    """Keyword arguments of ``compute_nodes_for_scheduling`` that apply
    the enabled cheap filters in SQL."""
    kwargs = {'default_availability_zone':
              availability_zones.default_zone()}
    if CAPACITY_FILTERS <= set(filter_names):
        kwargs['resources'] = (spec.vcpus, spec.memory_mb, spec.disk_gb)
    if AZ_FILTER in filter_names:
        kwargs['availability_zone'] = spec.availability_zone
    return kwargs


def _requested(spec, node):
    """Whether ``node`` is the requested destination of ``spec`` (every
    node when none was asked for; microversion 2.74)."""
    host = getattr(spec, 'requested_host', None)
    node_name = getattr(spec, 'requested_node', None)
    return (host is None or node['host'] == host) and \
        (node_name is None or node['hypervisor_hostname'] == node_name)


def get_host_states(context, spec, filter_names=(), prefilter=True):
    """HostStates for ``spec`` (a RequestView).

    Only the requested host and/or node when the spec names one.  With
    ``prefilter``, only enabled, up nodes that pass the enabled cheap
    filters (see ``CAPACITY_FILTERS``, ``AZ_FILTER``) for one instance of
    ``spec``; without it every live node (to explain a NoValidHost).
    One statement, plus one for a server group (two for an anti-affinity
    one: its max_server_per_host rule) and one for same_host/
    different_host hints.
    """
    kwargs = _sql_prefilter(spec, filter_names) if prefilter else {}
    nodes = [node for node in node_db.compute_nodes_for_scheduling(
        context, prefilter=prefilter, **kwargs) if _requested(spec, node)]
    group_hosts = {}
    max_per_host = 1
    if spec.instance_group_uuid and nodes:
        group_hosts = group_db.member_hosts(context,
                                            spec.instance_group_uuid)
        if spec.instance_group_policy == 'anti-affinity':
            max_per_host = group_db.max_server_per_host(
                context, spec.instance_group_uuid)
    uuids = hinted_instances(spec)
    hosts_of = instance_db.instance_hosts(context, uuids) if uuids else {}
    zone = availability_zones.default_zone()
    return [HostState(node, group_hosts,
                      [u for u, h in hosts_of.items() if h == node['host']],
                      zone, max_per_host)
            for node in nodes]
