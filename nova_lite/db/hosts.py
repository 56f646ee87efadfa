"""SQL of the admin views of hosts: the availability zone of each host
(os-availability-zone, os-services) and the deletion of a service with
its compute nodes (``DELETE /os-services/{id}``).

Zones come from aggregates with ``availability_zone`` metadata (written
by os-aggregates, ``nova_lite.db.aggregates``; only read here); a host in
none is in ``[compute] default_availability_zone``.
"""
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception

COMPUTE_BINARY = 'nova-lite-compute'
AZ_KEY = 'availability_zone'


def host_zones(context):
    """``{host: zone}`` of the hosts of live zone aggregates."""
    agg, host, meta = (models.Aggregate, models.AggregateHost,
                       models.AggregateMetadata)
    query = (sa.select(host.host, meta.value)
             .join(agg, sa.and_(agg.id == host.aggregate_id,
                                agg.deleted == 0))
             .join(meta, sa.and_(meta.aggregate_id == agg.id,
                                 meta.key == AZ_KEY))
             .order_by(agg.id))
    with db_api.reader(context) as session:
        zones = {}
        for name, zone in session.execute(query):
            zones.setdefault(name, zone)
        return zones


@db_api.retry_on_deadlock
def service_destroy(context, service_id):
    """Soft-delete a service; a compute service takes its host's compute
    nodes with it.

    :raises: ServiceNotFound (404); Conflict (409) when the compute host
        still has live instances
    """
    svc, node, inst = models.Service, models.ComputeNode, models.Instance
    now = db_api._utcnow()
    with db_api.writer(context) as session:
        row = session.scalars(sa.select(svc).where(
            svc.id == service_id, svc.deleted == 0)).first()
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        if row.binary == COMPUTE_BINARY:
            hosted = session.scalar(sa.select(sa.func.count(inst.id)).where(
                inst.host == row.host, inst.deleted == 0))
            if hosted:
                raise exception.Conflict(
                    'Unable to delete compute service that is hosting '
                    'instances (%d on %s). Migrate or delete the instances '
                    'first.' % (hosted, row.host))
            session.execute(sa.update(node).where(
                node.host == row.host, node.deleted == 0).values(
                deleted=node.id, deleted_at=now))
        row.deleted = row.id
        row.deleted_at = now
