"""SQL of flavors (``flavors``). Flavors are dicts of the ``flavors``
columns: memory in MiB, root/ephemeral disks in GiB, swap in MiB;
``flavorid`` is the API id (a string), ``id`` the row id.
"""
import uuid as uuidlib

from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import live_row
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception


@retry_on_deadlock
def flavor_create(context, values):
    """Create a flavor; ``flavorid`` defaults to a new UUID.

    :raises: FlavorExists
    """
    values = dict(values)
    values.setdefault('flavorid', str(uuidlib.uuid4()))
    try:
        with writer(context) as session:
            row = models.Flavor(**values)
            session.add(row)
            session.flush()
            return to_dict(row)
    except db_exc.DBDuplicateEntry as exc:
        key = 'name' if 'name' in str(exc.columns) else 'id'
        raise exception.FlavorExists(
            key=key,
            value=values['name' if key == 'name' else 'flavorid']) from exc


def flavor_get_by_flavorid(context, flavorid):
    """The live flavor's columns as a dict (as ``flavor_create``).

    :raises: FlavorNotFound
    """
    found = live_row(context, models.Flavor, 'flavorid', str(flavorid))
    if found is None:
        raise exception.FlavorNotFound(flavor_id=flavorid)
    return found


def flavor_get_with_extra_specs(context, flavorid):
    """``flavor_get_by_flavorid`` plus ``extra_specs`` ({key: value})
    in one SELECT (the flavor LEFT OUTER JOINed to its specs: one row
    per spec), for the server create path.

    :raises: FlavorNotFound
    """
    flavor, spec = models.Flavor.__table__, models.FlavorExtraSpec.__table__
    columns = [attr.columns[0].label(attr.key)
               for attr in sa.inspect(models.Flavor).column_attrs]
    query = (sa.select(*columns, spec.c.key.label('_spec_key'),
                       spec.c.value.label('_spec_value'))
             .select_from(flavor.outerjoin(
                 spec, spec.c.flavor_id == flavor.c.id))
             .where(flavor.c.flavorid == str(flavorid),
                    flavor.c.deleted == 0)
             .order_by(flavor.c.id, spec.c.key))
    with reader(context) as session:
        rows = [dict(row._mapping) for row in session.execute(query)]
    if not rows:
        raise exception.FlavorNotFound(flavor_id=flavorid)
    first_id = rows[0]['id']
    rows = [row for row in rows if row['id'] == first_id]
    specs = {row['_spec_key']: row['_spec_value'] for row in rows
             if row['_spec_key'] is not None}
    found = {k: v for k, v in rows[0].items() if not k.startswith('_spec_')}
    found['extra_specs'] = specs
    return found


def flavor_get_all(context, is_public=True, min_memory_mb=None,
                   min_root_gb=None, marker=None, limit=None,
                   project_id=None, name=None):
    """Flavors ordered by flavorid; ``is_public`` None lists all;
    ``name`` a regular expression the name matches (searched).

    :param project_id: with ``is_public`` True, also the private flavors
        this project was given access to (``flavor_projects``)
    :raises: Invalid when ``marker`` is not a flavor id
    """
    flv = models.Flavor
    query = sa.select(flv).filter_by(deleted=0, disabled=False)
    if is_public and project_id is not None:
        access = sa.select(models.FlavorProject.flavor_id).where(
            models.FlavorProject.project_id == project_id)
        query = query.where(sa.or_(flv.is_public.is_(True),
                                   flv.id.in_(access)))
    elif is_public is not None:
        query = query.filter_by(is_public=is_public)
    if min_memory_mb:
        query = query.where(flv.memory_mb >= min_memory_mb)
    if min_root_gb:
        query = query.where(flv.root_gb >= min_root_gb)
    if name is not None:
        query = query.where(flv.name.regexp_match(name))
    with reader(context) as session:
        if marker is not None:
            marker_row = session.scalars(sa.select(flv).filter_by(
                flavorid=str(marker), deleted=0)).first()
            if marker_row is None:
                raise exception.Invalid(reason='marker [%s] not found'
                                        % marker)
            query = query.where(flv.flavorid > marker_row.flavorid)
        query = query.order_by(flv.flavorid)
        if limit is not None:
            query = query.limit(limit)
        return [to_dict(r) for r in session.scalars(query)]


@retry_on_deadlock
def flavor_update_description(context, flavorid, description):
    """Set the live flavor's ``description`` (None clears it); returns
    the flavor dict.

    :raises: FlavorNotFound
    """
    with writer(context) as session:
        result = session.execute(sa.update(models.Flavor).where(
            models.Flavor.flavorid == str(flavorid),
            models.Flavor.deleted == 0).values(description=description))
        if result.rowcount != 1:
            raise exception.FlavorNotFound(flavor_id=flavorid)
    return flavor_get_by_flavorid(context, flavorid)


@retry_on_deadlock
def flavor_destroy(context, flavorid):
    """:raises: FlavorNotFound"""
    with writer(context) as session:
        result = session.execute(sa.update(models.Flavor).where(
            models.Flavor.flavorid == str(flavorid),
            models.Flavor.deleted == 0).values(
            deleted=models.Flavor.id, deleted_at=utcnow()))
        if result.rowcount != 1:
            raise exception.FlavorNotFound(flavor_id=flavorid)
