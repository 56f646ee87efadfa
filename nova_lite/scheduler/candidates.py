"""The bounded candidate set of one ``select_destinations`` request.

What the scheduler keeps per request, and why:

- at most ``[scheduler] max_candidates`` compute nodes (at least
  ``num_instances × max_attempts`` for a multi-create, and
  ``host_subset_size``), read in one statement
  (``db.host_candidates``). The database applies the cheap filters
  (``host_manager.CAPACITY_FILTERS``, ``AZ_FILTER``, ComputeFilter) and
  what the request's hints and server group pin down (the requested host
  and node, same_host/different_host, a hard (anti-)affinity group's
  member hosts, the hosts a reschedule already tried, the image's
  hypervisor type, an admin's pod and cluster), ranks the rest by the
  active weighers' arithmetic over all of them (or by the deployment
  planner's cluster/pod order, cut at a cluster/pod boundary), and
  returns the best. The Python filters and weighers then run on those
  alone, so a request costs the same with 100 or 1,000 hosts, and the
  best host read is the best host of the whole set;
- the request's server group member hosts and hinted instances (their
  own statements, as before), since filters need them whatever the
  candidates;
- when every candidate is rejected by a Python-only filter
  (AggregateImagePropertiesIsolation, a custom filter) or lost to
  concurrent claims while more nodes passed the SQL, the whole set is
  read once more, unbounded: the bound costs a second statement then,
  never a NoValidHost that reading everything would not have given.

A weigher without ``sql_value`` (a custom weigher) cannot be ranked in
SQL: the request then reads every node that passes, as before.
"""
from oslo_config import cfg

from nova_lite import availability_zones
from nova_lite.db import host_candidates as candidate_db
from nova_lite.db import instances as instance_db
from nova_lite.db import server_groups as group_db
from nova_lite.scheduler.filters import image_props
from nova_lite.scheduler import host_manager
from nova_lite.scheduler import weights

CONF = cfg.CONF
ACCOUNT_PLANNERS = ('UserDispersingPlanner', 'UserConcentratedPodPlanner')


def bound(num_instances, weighers, spec):
    """How many candidates a request of ``num_instances`` reads (None:
    all of them, when ``[scheduler] max_candidates`` is 0 or a weigher
    cannot be ranked in SQL)."""
    limit = CONF.scheduler.max_candidates
    if not limit or weights.sql_weights(spec, weighers) is None:
        return None
    return max(limit, num_instances * CONF.scheduler.max_attempts,
               CONF.scheduler.host_subset_size)


class GroupState:
    """The request's server group as filters see it: {host: members
    holding an allocation there} and the anti-affinity
    ``max_server_per_host`` rule (1 when none)."""

    def __init__(self, context, spec):
        self.hosts = {}
        self.max_per_host = 1
        if spec.instance_group_uuid:
            self.hosts = group_db.member_hosts(context,
                                               spec.instance_group_uuid)
            if spec.instance_group_policy == 'anti-affinity':
                self.max_per_host = group_db.max_server_per_host(
                    context, spec.instance_group_uuid)


def candidate_query(spec, filter_names, weighers, planner, group, hosts_of):
    """The CandidateQuery of ``spec`` (a RequestView).

    :param filter_names: the enabled filters (a hint is only applied in
        SQL when its filter is enabled)
    :param planner: the request's planner (``planners``), or None
    :param group: the request's GroupState
    :param hosts_of: {instance uuid: host} of the hinted instances
    """
    names = set(filter_names)
    query = candidate_db.CandidateQuery(
        default_zone=availability_zones.default_zone(),
        nodename=spec.requested_node, pod=spec.pod, cluster=spec.cluster,
        weights=weights.sql_weights(spec, weighers) or (),
        group_members=group.hosts,
        planner=planner.name if planner is not None else None)
    if host_manager.CAPACITY_FILTERS <= names:
        query.resources = (spec.vcpus, spec.memory_mb, spec.disk_gb)
    if host_manager.AZ_FILTER in names:
        query.zone = spec.availability_zone
    query.hosts_in = _hosts_in(spec, names, group, hosts_of)
    query.hosts_out = frozenset(_hosts_out(spec, names, group, hosts_of))
    wanted = spec.image_properties.get('img_hv_type')
    if 'ImagePropertiesFilter' in names and wanted:
        query.hypervisor_types = image_props.matching_types(wanted)
    if query.planner in ACCOUNT_PLANNERS and spec.project_id:
        query.project_id = spec.project_id
    return query


def _hosts_in(spec, names, group, hosts_of):
    """The hosts the request is pinned to, or None."""
    pinned = []
    if spec.requested_host is not None:
        pinned.append({spec.requested_host})
    if 'SameHostFilter' in names and spec.same_host:
        pinned.append({host for uuid, host in hosts_of.items()
                       if uuid in spec.same_host})
    members = {host for host, count in group.hosts.items() if count}
    if 'ServerGroupAffinityFilter' in names and members and \
            spec.instance_group_policy == 'affinity':
        pinned.append(members)
    if not pinned:
        return None
    return frozenset(set.intersection(*pinned))


def _hosts_out(spec, names, group, hosts_of):
    """The hosts the request must avoid (IgnoreHostsFilter is always
    on)."""
    out = set(spec.ignore_hosts)
    if 'DifferentHostFilter' in names and spec.different_host:
        out.update(host for uuid, host in hosts_of.items()
                   if uuid in spec.different_host)
    if 'ServerGroupAntiAffinityFilter' in names and \
            spec.instance_group_policy == 'anti-affinity':
        out.update(host for host, count in group.hosts.items()
                   if count >= group.max_per_host)
    return out


def get_candidates(context, spec, filter_names, weighers=(), planner=None,
                   limit=None):
    """HostStates of the best nodes for ``spec`` (a RequestView), best
    first (the weighers' or the planner's order), and whether more nodes
    passed the SQL than ``limit`` (None: no bound).

    With a planner and a cut list, the last cluster (or pod) read is left
    out unless it is the only one, so the planner compares whole groups.
    Statements: one, plus one for a server group (two for an
    anti-affinity one) and one for same_host/different_host hints.
    """
    group = GroupState(context, spec)
    uuids = host_manager.hinted_instances(spec)
    hosts_of = instance_db.instance_hosts(context, uuids) if uuids else {}
    query = candidate_query(spec, filter_names, weighers, planner, group,
                            hosts_of)
    nodes, truncated = candidate_db.host_candidates(context, query, limit)
    if truncated and query.planner is not None:
        nodes = _whole_groups(nodes, query.planner)
    zone = availability_zones.default_zone()
    return [host_manager.HostState(
        node, group.hosts, [u for u, h in hosts_of.items()
                            if h == node['host']], zone, group.max_per_host)
            for node in nodes], truncated


def _whole_groups(nodes, planner):
    """``nodes`` without the hosts of the last group (cluster, or pod for
    a pod planner), which the cut may have split, unless it is the only
    group."""
    key = ('pod_uuid' if candidate_db.PLANNER_LEVELS[planner] == 'pod'
           else 'cluster_uuid')
    last = nodes[-1][key]
    kept = [n for n in nodes if n[key] != last]
    return kept or nodes
