"""SQL of flavor extra specs (``flavor_extra_specs``) and flavor access
(``flavor_projects``), both keyed by the flavor's row id and removed
with the flavor row (ON DELETE CASCADE; a soft-deleted flavor keeps
them, as its servers' copies do)."""
from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import writer
from nova_lite import exception


def extra_specs_get(context, flavor_row_id):
    """``{key: value}`` of a flavor."""
    spec = models.FlavorExtraSpec
    with reader(context) as session:
        rows = session.execute(sa.select(spec.key, spec.value).where(
            spec.flavor_id == flavor_row_id).order_by(spec.key))
        return {key: value for key, value in rows}


def extra_specs_of(context, flavor_row_ids):
    """``{flavor row id: {key: value}}`` of several flavors (every id a
    key); one SELECT, none for no ids."""
    specs = {flavor_id: {} for flavor_id in flavor_row_ids}
    if not specs:
        return specs
    spec = models.FlavorExtraSpec
    with reader(context) as session:
        for flavor_id, key, value in session.execute(
                sa.select(spec.flavor_id, spec.key, spec.value).where(
                    spec.flavor_id.in_(list(specs))).order_by(spec.key)):
            specs[flavor_id][key] = value
    return specs


@retry_on_deadlock
def extra_specs_update_or_create(context, flavor_row_id, specs):
    """Set the keys of ``specs`` (others unchanged).

    :raises: Conflict (409) for a key the database holds under another
        spelling it compares equal (MySQL's collations ignore case and
        trailing spaces: ``Ssd`` and ``ssd``), or that a concurrent
        request has just added
    """
    spec = models.FlavorExtraSpec
    with writer(context) as session:
        existing = {row.key: row for row in session.scalars(
            sa.select(spec).where(spec.flavor_id == flavor_row_id,
                                  spec.key.in_(list(specs))))}
        _check_same_spelling(existing, specs)
        for key, value in specs.items():
            if key in existing:
                existing[key].value = value
            else:
                session.add(spec(flavor_id=flavor_row_id, key=key,
                                 value=value))
        try:
            session.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.Conflict(
                reason='a flavor extra spec key was added meanwhile; '
                'retry') from None


def _check_same_spelling(existing, specs):
    """:raises: Conflict when the database matched a requested key to a
    stored key spelt differently"""
    for stored in existing:
        if stored not in specs:
            raise exception.Conflict(
                reason='the flavor has the extra spec key %r, which the '
                'database does not tell from a requested one' % stored)


@retry_on_deadlock
def extra_spec_delete(context, flavor_row_id, key):
    """:raises: NotFound when the flavor has no such key"""
    spec = models.FlavorExtraSpec
    with writer(context) as session:
        result = session.execute(sa.delete(spec).where(
            spec.flavor_id == flavor_row_id, spec.key == key))
        if result.rowcount != 1:
            raise exception.NotFound(
                'Flavor extra spec %s could not be found.' % key)


def access_get(context, flavor_row_id):
    """Project ids with access to a flavor, sorted."""
    access = models.FlavorProject
    with reader(context) as session:
        return list(session.scalars(sa.select(access.project_id).where(
            access.flavor_id == flavor_row_id).order_by(access.project_id)))


def access_allowed(context, flavor_row_id, project_id):
    """True when ``project_id`` was given access to the flavor."""
    access = models.FlavorProject
    with reader(context) as session:
        return session.scalars(sa.select(access.id).where(
            access.flavor_id == flavor_row_id,
            access.project_id == project_id)).first() is not None


def flavor_ids_of_project(context, project_id):
    """Row ids of the flavors ``project_id`` has access to."""
    access = models.FlavorProject
    with reader(context) as session:
        return set(session.scalars(sa.select(access.flavor_id).where(
            access.project_id == project_id)))


@retry_on_deadlock
def access_add(context, flavor_row_id, project_id):
    """:raises: Conflict when the project already has access"""
    try:
        with writer(context) as session:
            session.add(models.FlavorProject(flavor_id=flavor_row_id,
                                             project_id=project_id))
            session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.Conflict(
            'Flavor access already exists for project %s.'
            % project_id) from None


@retry_on_deadlock
def access_remove(context, flavor_row_id, project_id):
    """:raises: NotFound when the project has no access"""
    access = models.FlavorProject
    with writer(context) as session:
        result = session.execute(sa.delete(access).where(
            access.flavor_id == flavor_row_id,
            access.project_id == project_id))
        if result.rowcount != 1:
            raise exception.NotFound(
                'Flavor access not found for project %s.' % project_id)
