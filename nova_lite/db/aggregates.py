"""SQL of host aggregates (os-aggregates) and availability zones.

An aggregate groups compute hosts and carries metadata (string → string).
The ``availability_zone`` metadata key makes it an availability zone; a
host is in at most one zone (a host in no zone aggregate is in ``[compute]
default_availability_zone``), as in Nova's "Host aggregates" admin guide.
The scheduler reads aggregate metadata through
``nova_lite.db.compute_nodes.compute_nodes_for_scheduling``.

Every function takes a RequestContext first; aggregates are returned as
dicts: id, uuid, name, availability_zone (or None), hosts (sorted list),
metadata (dict), created_at, updated_at, deleted_at, deleted (bool).
"""
import uuid as uuidlib

from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.availability_zones import AZ_KEY
from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception
from nova_lite import servicegroup

_agg = models.Aggregate
_host = models.AggregateHost
_meta = models.AggregateMetadata


def _live(session, aggregate_id, lock=False):
    """The live aggregate row.

    :raises: AggregateNotFound (also for ids that are not integers)
    """
    try:
        key = int(aggregate_id)
    except (TypeError, ValueError):
        raise exception.AggregateNotFound(aggregate_id=aggregate_id) \
            from None
    query = sa.select(_agg).where(_agg.id == key, _agg.deleted == 0)
    if lock:
        query = query.with_for_update()
    row = session.scalars(query).first()
    if row is None:
        raise exception.AggregateNotFound(aggregate_id=aggregate_id)
    return row


def _details(session, rows):
    """Aggregate dicts of ``rows`` with their hosts and metadata (two
    statements whatever the count)."""
    ids = [r.id for r in rows]
    hosts, metadata = {}, {}
    if ids:
        for agg_id, host in session.execute(sa.select(
                _host.aggregate_id, _host.host).where(
                _host.aggregate_id.in_(ids)).order_by(_host.host)):
            hosts.setdefault(agg_id, []).append(host)
        for agg_id, key, value in session.execute(sa.select(
                _meta.aggregate_id, _meta.key, _meta.value).where(
                _meta.aggregate_id.in_(ids))):
            metadata.setdefault(agg_id, {})[key] = value
    return [_to_dict(r, hosts.get(r.id, []), metadata.get(r.id, {}))
            for r in rows]


def _to_dict(row, hosts, metadata):
    return {'id': row.id, 'uuid': row.uuid, 'name': row.name,
            'availability_zone': metadata.get(AZ_KEY), 'hosts': hosts,
            'metadata': metadata, 'created_at': row.created_at,
            'updated_at': row.updated_at, 'deleted_at': row.deleted_at,
            'deleted': bool(row.deleted)}


def _check_name_free(session, name, aggregate_id=None):
    query = sa.select(_agg.id).where(_agg.name == name, _agg.deleted == 0)
    if aggregate_id is not None:
        query = query.where(_agg.id != aggregate_id)
    if session.scalar(query.limit(1)) is not None:
        raise exception.AggregateNameExists(aggregate_name=name)


def _zones_of_hosts(session, hosts, exclude_aggregate_id):
    """{host: set of zones} from the other live aggregates of ``hosts``."""
    query = (sa.select(_host.host, _meta.value)
             .join(_agg, sa.and_(_agg.id == _host.aggregate_id,
                                 _agg.deleted == 0))
             .join(_meta, sa.and_(_meta.aggregate_id == _agg.id,
                                  _meta.key == AZ_KEY))
             .where(_host.host.in_(list(hosts)),
                    _agg.id != exclude_aggregate_id))
    zones = {}
    for host, zone in session.execute(query):
        zones.setdefault(host, set()).add(zone)
    return zones


def _zone_clash(session, aggregate_id, hosts, zone):
    """'host X is in zone Y' when one of ``hosts`` is in another zone than
    ``zone`` through another aggregate, else None."""
    if not zone or not hosts:
        return None
    for host, zones in sorted(_zones_of_hosts(session, hosts,
                                              aggregate_id).items()):
        other = sorted(zones - {zone})
        if other:
            return 'host %s is in availability zone %s' % (host, other[0])
    return None


def _set_metadata(session, aggregate_id, metadata):
    """Upsert keys of ``metadata``; a None value deletes the key."""
    existing = {r.key: r for r in session.scalars(sa.select(_meta).where(
        _meta.aggregate_id == aggregate_id))}
    for key, value in metadata.items():
        row = existing.get(key)
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(models.AggregateMetadata(
                aggregate_id=aggregate_id, key=key, value=value))
        else:
            row.value = value
    session.flush()


# ------------------------------------------------------------------- CRUD

@retry_on_deadlock
def aggregate_create(context, name, availability_zone=None):
    """Create an aggregate (with ``availability_zone`` metadata if given).

    :raises: AggregateNameExists
    """
    with writer(context) as session:
        _check_name_free(session, name)
        row = models.Aggregate(uuid=str(uuidlib.uuid4()), name=name)
        session.add(row)
        session.flush()
        if availability_zone:
            _set_metadata(session, row.id, {AZ_KEY: availability_zone})
        return _details(session, [row])[0]


def aggregate_get(context, aggregate_id):
    """:raises: AggregateNotFound"""
    with reader(context) as session:
        return _details(session, [_live(session, aggregate_id)])[0]


def aggregate_get_all(context):
    """Every live aggregate, by id."""
    with reader(context) as session:
        rows = list(session.scalars(sa.select(_agg).where(
            _agg.deleted == 0).order_by(_agg.id)))
        return _details(session, rows)


def _check_zone_change(session, row, zone):
    hosts = [h for (h,) in session.execute(sa.select(_host.host).where(
        _host.aggregate_id == row.id))]
    clash = _zone_clash(session, row.id, hosts, zone)
    if clash:
        raise exception.InvalidAggregateAction(
            action='update', aggregate_id=row.id, reason=clash)


@retry_on_deadlock
def aggregate_update(context, aggregate_id, name=None,
                     availability_zone=False):
    """Rename and/or change the zone (None removes it; False leaves it).

    :raises: AggregateNotFound, AggregateNameExists,
        InvalidAggregateAction (a host would be in two zones)
    """
    with writer(context) as session:
        row = _live(session, aggregate_id, lock=True)
        if name is not None and name != row.name:
            _check_name_free(session, name, row.id)
            row.name = name
        if availability_zone is not False:
            _check_zone_change(session, row, availability_zone)
            _set_metadata(session, row.id, {AZ_KEY: availability_zone})
        row.updated_at = utcnow()
        session.flush()
        return _details(session, [row])[0]


@retry_on_deadlock
def aggregate_metadata_set(context, aggregate_id, metadata):
    """Merge ``metadata`` (None values delete keys) into the aggregate's.

    :raises: AggregateNotFound, InvalidAggregateAction (zone change that
        puts a host in two zones), Conflict (409) when a key equals another
        for the database but not for Python: MySQL/MariaDB compare keys
        ignoring case and trailing spaces ('D', 'd' and 'd ')
    """
    try:
        with writer(context) as session:
            row = _live(session, aggregate_id, lock=True)
            if AZ_KEY in metadata:
                _check_zone_change(session, row, metadata[AZ_KEY])
            _set_metadata(session, row.id, metadata)
            row.updated_at = utcnow()
            session.flush()
            return _details(session, [row])[0]
    except db_exc.DBDuplicateEntry:
        raise exception.Conflict(
            reason='a metadata key of the request differs only in case or '
            'trailing spaces from another key of aggregate %s, and the '
            'database compares keys ignoring them; use one spelling'
            % aggregate_id) from None


@retry_on_deadlock
def aggregate_delete(context, aggregate_id):
    """Soft-delete an empty aggregate and drop its metadata.

    :raises: AggregateNotFound, InvalidAggregateAction (it has hosts)
    """
    with writer(context) as session:
        row = _live(session, aggregate_id, lock=True)
        if session.scalar(sa.select(_host.id).where(
                _host.aggregate_id == row.id).limit(1)) is not None:
            raise exception.InvalidAggregateAction(
                action='delete', aggregate_id=row.id,
                reason='it still has hosts; remove them first')
        session.execute(sa.delete(_meta).where(
            _meta.aggregate_id == row.id))
        row.deleted = row.id
        row.deleted_at = utcnow()


# ------------------------------------------------------------------ hosts

def _check_compute_host(session, host):
    svc = models.Service
    if session.scalar(sa.select(svc.id).where(
            svc.host == host, svc.binary == servicegroup.COMPUTE,
            svc.deleted == 0).limit(1)) is None:
        raise exception.ComputeHostNotFound(host=host)


@retry_on_deadlock
def aggregate_host_add(context, aggregate_id, host):
    """Add a compute host to an aggregate.

    :raises: AggregateNotFound, ComputeHostNotFound (no compute service
        on ``host``), AggregateHostExists, AggregateActionConflict (the
        host is in another availability zone)
    """
    with writer(context) as session:
        row = _live(session, aggregate_id, lock=True)
        _check_compute_host(session, host)
        if session.scalar(sa.select(_host.id).where(
                _host.aggregate_id == row.id, _host.host == host)):
            raise exception.AggregateHostExists(aggregate_id=row.id,
                                                host=host)
        zone = session.scalar(sa.select(_meta.value).where(
            _meta.aggregate_id == row.id, _meta.key == AZ_KEY))
        clash = _zone_clash(session, row.id, [host], zone)
        if clash:
            raise exception.AggregateActionConflict(
                action='add host to', aggregate_id=row.id, reason=clash)
        session.add(models.AggregateHost(aggregate_id=row.id, host=host))
        row.updated_at = utcnow()
        session.flush()
        return _details(session, [row])[0]


@retry_on_deadlock
def aggregate_host_delete(context, aggregate_id, host):
    """Remove a host from an aggregate.

    :raises: AggregateNotFound, AggregateHostNotFound
    """
    with writer(context) as session:
        row = _live(session, aggregate_id, lock=True)
        deleted = session.execute(sa.delete(_host).where(
            _host.aggregate_id == row.id, _host.host == host)).rowcount
        if not deleted:
            raise exception.AggregateHostNotFound(aggregate_id=row.id,
                                                  host=host)
        row.updated_at = utcnow()
        session.flush()
        return _details(session, [row])[0]


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
    with reader(context) as session:
        zones = {}
        for name, zone in session.execute(query):
            zones.setdefault(name, zone)
        return zones


def availability_zones(context):
    """Names of the zones defined by live aggregates, sorted."""
    with reader(context) as session:
        return sorted({zone for (zone,) in session.execute(
            sa.select(_meta.value).join(_agg, sa.and_(
                _agg.id == _meta.aggregate_id, _agg.deleted == 0))
            .where(_meta.key == AZ_KEY))})
