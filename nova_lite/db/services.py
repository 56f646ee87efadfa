"""SQL of services (the ``services`` table: one row per host and binary,
os-services) and of their liveness.

Services are dicts of the ``services`` columns; ``last_seen_up`` is
naive UTC. Whether a service is up is ``nova_lite.servicegroup``'s rule.
A compute service's hosts are the ``host`` of its compute nodes
(``nova_lite.db.compute_nodes``).
"""
import uuid as uuidlib

import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception
from nova_lite import servicegroup


@retry_on_deadlock
def service_register(context, host, binary, topic):
    """Create or revive the services row of (host, binary); return its dict.

    A re-registration keeps ``disabled`` as the operator left it.
    """
    now = utcnow()
    with writer(context) as session:
        row = session.scalars(sa.select(models.Service).filter_by(
            host=host, binary=binary, deleted=0)).first()
        if row is None:
            row = models.Service(uuid=str(uuidlib.uuid4()), host=host,
                                 binary=binary, topic=topic,
                                 last_seen_up=now, report_count=0)
            session.add(row)
        else:
            row.topic = topic
            row.last_seen_up = now
        session.flush()
        return to_dict(row)


@retry_on_deadlock
def service_heartbeat(context, service_id):
    """Record a heartbeat; False when the row is gone."""
    with writer(context) as session:
        result = session.execute(
            sa.update(models.Service)
            .where(models.Service.id == service_id,
                   models.Service.deleted == 0)
            .values(last_seen_up=utcnow(),
                    report_count=models.Service.report_count + 1)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1


@retry_on_deadlock
def service_heartbeats(context, service_ids):
    """Record a heartbeat of each of ``service_ids`` in one UPDATE (the
    conductor's batch, ``conductor.reports``); one more SELECT only when
    some row is gone.

    :returns: the set of ids whose row is gone (deleted meanwhile)
    """
    ids = sorted(set(service_ids))
    if not ids:
        return set()
    svc = models.Service
    with writer(context) as session:
        result = session.execute(
            sa.update(svc).where(svc.id.in_(ids), svc.deleted == 0)
            .values(last_seen_up=utcnow(), report_count=svc.report_count + 1)
            .execution_options(synchronize_session=False))
        if result.rowcount == len(ids):
            return set()
        live = set(session.scalars(sa.select(svc.id).where(
            svc.id.in_(ids), svc.deleted == 0)))
        return set(ids) - live


def service_get_all(context, binary=None, host=None):
    """Live services, optionally filtered; list of dicts."""
    with reader(context) as session:
        query = sa.select(models.Service).filter_by(deleted=0)
        if binary:
            query = query.filter_by(binary=binary)
        if host:
            query = query.filter_by(host=host)
        return [to_dict(r) for r in
                session.scalars(query.order_by(models.Service.id))]


def compute_hosts_up(context, hosts, now=None):
    """The subset of ``hosts`` whose compute service is up at ``now``
    (naive UTC, default the current time) by ``servicegroup.sql_is_up``
    (disabled computes count: they still run actions on their servers);
    one SELECT."""
    svc = models.Service
    with reader(context) as session:
        return set(session.scalars(sa.select(svc.host).where(
            svc.deleted == 0, svc.binary == servicegroup.COMPUTE,
            svc.host.in_(sorted(set(hosts))),
            servicegroup.sql_is_up(svc, servicegroup.window(now)))))


def service_get(context, service_id):
    """:raises: ServiceNotFound"""
    with reader(context) as session:
        row = session.scalars(sa.select(models.Service).filter_by(
            id=service_id, deleted=0)).first()
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        return to_dict(row)


def service_get_by_uuid(context, service_uuid):
    """The live service whose ``uuid`` is ``service_uuid``.

    :raises: ServiceNotFound"""
    with reader(context) as session:
        row = session.scalars(sa.select(models.Service).filter_by(
            uuid=service_uuid, deleted=0)).first()
        if row is None:
            raise exception.ServiceNotFound(service_id=service_uuid)
        return to_dict(row)


@retry_on_deadlock
def service_update(context, service_id, values):
    """Update a service (disabled, disabled_reason, forced_down)."""
    with writer(context) as session:
        result = session.execute(
            sa.update(models.Service)
            .where(models.Service.id == service_id,
                   models.Service.deleted == 0).values(**values))
        if result.rowcount != 1:
            raise exception.ServiceNotFound(service_id=service_id)
    return service_get(context, service_id)


@retry_on_deadlock
def service_destroy(context, service_id):
    """Soft-delete a service; a compute service takes its host's compute
    nodes with it (``DELETE /os-services/{id}``).

    :raises: ServiceNotFound (404); Conflict (409) when the compute host
        still has live instances
    """
    svc, node, inst = models.Service, models.ComputeNode, models.Instance
    now = utcnow()
    with writer(context) as session:
        row = session.scalars(sa.select(svc).where(
            svc.id == service_id, svc.deleted == 0)).first()
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        if row.binary == servicegroup.COMPUTE:
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
