"""SQL of CloudStack's hierarchy below a zone (``pods``, ``clusters``,
``cluster_hosts``; models in ``nova_lite.db.models_topology``) and of
the cloud-wide ``global_settings`` (the global overcommit ratios).

A pod is in one availability zone (by name), a cluster in one pod, a
compute host in at most one cluster. Pods and clusters are dicts of
their columns; a cluster dict also has ``pod_uuid``, ``pod_name`` and
``zone``. Ratios are floats or None (None: the hosts' own allocation
ratios apply, ``nova_lite.db.compute_nodes.effective_ratios``).
"""
import uuid as uuidlib

from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception

#: Name of the pod a compute's ``[DEFAULT] cluster`` is created in when
#: no pod of its zone has a cluster of that name.
DEFAULT_POD = 'default'


class PodNotFound(exception.NotFound):
    msg_fmt = 'Pod %(pod_id)s could not be found.'


class ClusterNotFound(exception.NotFound):
    msg_fmt = 'Cluster %(cluster_id)s could not be found.'


# ------------------------------------------------------------------- pods

def _pod_row(session, pod_uuid):
    row = session.scalars(sa.select(models.Pod).filter_by(
        uuid=pod_uuid, deleted=0)).first()
    if row is None:
        raise PodNotFound(pod_id=pod_uuid)
    return row


@retry_on_deadlock
def pod_create(context, zone, name, gateway=None, netmask=None,
               start_ip=None, end_ip=None):
    """Create pod ``name`` in availability zone ``zone``.

    :returns: the pod dict
    :raises: Conflict (409) when the zone has a pod of that name
    """
    row = models.Pod(uuid=str(uuidlib.uuid4()), zone=zone, name=name,
                     gateway=gateway, netmask=netmask, start_ip=start_ip,
                     end_ip=end_ip)
    try:
        with writer(context) as session:
            session.add(row)
            session.flush()
            return to_dict(row)
    except db_exc.DBDuplicateEntry:
        raise exception.Conflict(reason='zone %s already has a pod named '
                                 '%s' % (zone, name)) from None


def pod_get_all(context):
    """Every live pod, by id."""
    with reader(context) as session:
        return [to_dict(r) for r in session.scalars(
            sa.select(models.Pod).filter_by(deleted=0)
            .order_by(models.Pod.id))]


def pod_get(context, pod_uuid):
    """:raises: PodNotFound (404)"""
    with reader(context) as session:
        return to_dict(_pod_row(session, pod_uuid))


@retry_on_deadlock
def pod_delete(context, pod_uuid):
    """Soft-delete an empty pod.

    :raises: PodNotFound (404); Conflict (409) while it has clusters
        (CloudStack refuses to delete a pod with clusters)
    """
    with writer(context) as session:
        row = _pod_row(session, pod_uuid)
        if session.scalar(sa.select(sa.func.count(models.Cluster.id))
                          .filter_by(pod_id=row.id, deleted=0)):
            raise exception.Conflict(reason='pod %s still has clusters'
                                     % pod_uuid)
        row.deleted, row.deleted_at = row.id, utcnow()


# --------------------------------------------------------------- clusters

def _cluster_query():
    cluster, pod = models.Cluster.__table__, models.Pod.__table__
    return (sa.select(cluster, pod.c.uuid.label('pod_uuid'),
                      pod.c.name.label('pod_name'), pod.c.zone)
            .join(pod, pod.c.id == cluster.c.pod_id)
            .where(cluster.c.deleted == 0).order_by(cluster.c.id))


def cluster_get_all(context):
    """Every live cluster by id, with its pod's uuid, name and zone."""
    with reader(context) as session:
        return [dict(r._mapping) for r in session.execute(_cluster_query())]


def cluster_get(context, cluster_uuid):
    """:raises: ClusterNotFound (404)"""
    with reader(context) as session:
        return _cluster_get(session, cluster_uuid)


def _cluster_get(session, cluster_uuid):
    row = session.execute(_cluster_query().where(
        models.Cluster.__table__.c.uuid == cluster_uuid)).first()
    if row is None:
        raise ClusterNotFound(cluster_id=cluster_uuid)
    return dict(row._mapping)


@retry_on_deadlock
def cluster_create(context, pod_uuid, name, hypervisor_type=None,
                   cpu_overcommit_ratio=None, mem_overcommit_ratio=None):
    """Create cluster ``name`` in pod ``pod_uuid``; returns its dict.

    :raises: PodNotFound (404); Conflict (409) when the pod has a
        cluster of that name
    """
    try:
        with writer(context) as session:
            pod = _pod_row(session, pod_uuid)
            row = models.Cluster(
                uuid=str(uuidlib.uuid4()), pod_id=pod.id, name=name,
                hypervisor_type=hypervisor_type,
                cpu_overcommit_ratio=cpu_overcommit_ratio,
                mem_overcommit_ratio=mem_overcommit_ratio)
            session.add(row)
            session.flush()
            return _cluster_get(session, row.uuid)
    except db_exc.DBDuplicateEntry:
        raise exception.Conflict(reason='pod %s already has a cluster '
                                 'named %s' % (pod_uuid, name)) from None


@retry_on_deadlock
def cluster_update(context, cluster_uuid, values):
    """Set ``values`` (name, cpu_overcommit_ratio, mem_overcommit_ratio)
    of a cluster. A ratio applies to the claims taken from then on;
    existing allocations are kept (a lower ratio never evicts).

    :returns: the updated cluster dict
    :raises: ClusterNotFound (404)
    """
    cluster = models.Cluster
    with writer(context) as session:
        _cluster_get(session, cluster_uuid)
        session.execute(sa.update(cluster).where(
            cluster.uuid == cluster_uuid, cluster.deleted == 0)
            .values(updated_at=utcnow(), **values))
        return _cluster_get(session, cluster_uuid)


@retry_on_deadlock
def cluster_delete(context, cluster_uuid):
    """Soft-delete a cluster without hosts.

    :raises: ClusterNotFound (404); Conflict (409) while hosts are in it
    """
    with writer(context) as session:
        found = _cluster_get(session, cluster_uuid)
        if session.scalar(sa.select(sa.func.count(models.ClusterHost.id))
                          .filter_by(cluster_id=found['id'])):
            raise exception.Conflict(reason='cluster %s still has hosts'
                                     % cluster_uuid)
        session.execute(sa.update(models.Cluster).where(
            models.Cluster.id == found['id']).values(
            deleted=found['id'], deleted_at=utcnow()))


# ------------------------------------------------------------------ hosts

def host_clusters(context):
    """``{host: cluster dict}`` of the hosts in a live cluster; one
    SELECT."""
    ch = models.ClusterHost.__table__
    query = _cluster_query().add_columns(ch.c.host.label('member')).join(
        ch, ch.c.cluster_id == models.Cluster.__table__.c.id)
    with reader(context) as session:
        return {r.member: {k: v for k, v in r._mapping.items()
                           if k != 'member'}
                for r in session.execute(query)}


@retry_on_deadlock
def host_set_cluster(context, host, cluster_uuid):
    """Move ``host`` into cluster ``cluster_uuid`` (out of any other);
    returns the cluster dict. Claims already taken on the host keep
    their amounts.

    :raises: ClusterNotFound (404)
    """
    with writer(context) as session:
        found = _cluster_get(session, cluster_uuid)
        _map_host(session, host, found['id'])
        return found


def _map_host(session, host, cluster_id):
    ch = models.ClusterHost
    if session.execute(sa.update(ch).where(ch.host == host).values(
            cluster_id=cluster_id)).rowcount == 0:
        session.add(ch(host=host, cluster_id=cluster_id))
        session.flush()


@retry_on_deadlock
def host_join_configured_cluster(context, host, zone, cluster_name,
                                 hypervisor_type=None):
    """Put ``host`` into the cluster called ``cluster_name`` of zone
    ``zone`` (``[DEFAULT] cluster`` of its compute) unless the host is
    already in a cluster (an admin's ``updateHost clusterid`` wins). A
    missing cluster is created in the zone's pod ``DEFAULT_POD``, itself
    created when missing.

    :returns: True when the host joined a cluster
    """
    with writer(context) as session:
        if session.scalar(sa.select(models.ClusterHost.id).filter_by(
                host=host)) is not None:
            return False
        cluster_id = session.scalar(
            sa.select(models.Cluster.id)
            .join(models.Pod, models.Pod.id == models.Cluster.pod_id)
            .where(models.Pod.zone == zone, models.Pod.deleted == 0,
                   models.Cluster.name == cluster_name,
                   models.Cluster.deleted == 0)
            .order_by(models.Cluster.id))
        if cluster_id is None:
            cluster_id = _create_in_default_pod(session, zone, cluster_name,
                                                hypervisor_type)
        _map_host(session, host, cluster_id)
        return True


def _create_in_default_pod(session, zone, cluster_name, hypervisor_type):
    pod = session.scalars(sa.select(models.Pod).filter_by(
        zone=zone, name=DEFAULT_POD, deleted=0)).first()
    if pod is None:
        pod = models.Pod(uuid=str(uuidlib.uuid4()), zone=zone,
                         name=DEFAULT_POD)
        session.add(pod)
        session.flush()
    cluster = models.Cluster(uuid=str(uuidlib.uuid4()), pod_id=pod.id,
                             name=cluster_name,
                             hypervisor_type=hypervisor_type)
    session.add(cluster)
    session.flush()
    return cluster.id


def project_instance_hosts(context, project_id):
    """``{host: n}``: how many instances of ``project_id`` hold a claim
    on a node of each host (placed or still scheduling); one SELECT."""
    alloc, inst = models.Allocation.__table__, models.Instance.__table__
    node = models.ComputeNode.__table__
    query = (sa.select(node.c.host, sa.func.count(alloc.c.id))
             .select_from(alloc)
             .join(inst, inst.c.uuid == alloc.c.instance_uuid)
             .join(node, node.c.id == alloc.c.compute_node_id)
             .where(inst.c.project_id == project_id, inst.c.deleted == 0)
             .group_by(node.c.host))
    with reader(context) as session:
        return {host: count for host, count in session.execute(query)}


# -------------------------------------------------------- global settings

def global_settings(context):
    """``{name: float}`` of the global settings that are set (the
    cloud-wide overcommit ratios, ``compute_nodes.CPU_RATIO_SETTING``,
    ``RAM_RATIO_SETTING``); one SELECT."""
    setting = models.GlobalSetting
    with reader(context) as session:
        return {name: value for name, value in session.execute(
            sa.select(setting.name, setting.value))}


@retry_on_deadlock
def global_setting_set(context, name, value):
    """Set global setting ``name`` to ``value`` (a float), or unset it
    (``value`` None: the hosts' own ratios apply again). New claims use
    it at once; existing allocations are kept."""
    setting = models.GlobalSetting
    with writer(context) as session:
        if value is None:
            session.execute(sa.delete(setting).where(setting.name == name))
            return
        if session.execute(sa.update(setting).where(
                setting.name == name).values(
                value=value, updated_at=utcnow())).rowcount == 0:
            session.add(setting(name=name, value=value))
            session.flush()
