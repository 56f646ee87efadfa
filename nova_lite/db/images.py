"""SQL of images (``images``): the records of the compute API's image
service (``nova_lite.image.api``) and of the image API (``/image/v2``, a
Glance v2 subset): listing with filters, sorting and markers, and
conditional status changes of uploads.

Which images a caller sees is decided by one rule, Glance v2's, in
``nova_lite.image.visibility`` (its ``sql_filter`` is the WHERE clause of
every list and lookup here): public and community images, the project's
own, and ``shared`` images whose member the project is with status
``accepted``; admins see every image.  Images are dicts of the
``images`` columns (sizes in bytes, ``min_disk`` GiB, ``min_ram`` MiB,
times naive UTC).
"""
import uuid as uuidlib

import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import live_row
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception
from nova_lite.image import visibility as visibility_rule

_img = models.Image

#: sort_key → column expression (NULLs sort as '' or -1).
SORT_KEYS = {
    'created_at': _img.created_at,
    'updated_at': sa.func.coalesce(_img.updated_at, _img.created_at),
    'name': sa.func.coalesce(_img.name, ''),
    'size': sa.func.coalesce(_img.size, -1),
    'status': _img.status,
    'id': _img.uuid,
    'disk_format': sa.func.coalesce(_img.disk_format, ''),
    'container_format': sa.func.coalesce(_img.container_format, ''),
    'min_disk': _img.min_disk,
    'min_ram': _img.min_ram,
}


def visible_clause(context, visibility=None,
                   member_status=visibility_rule.ACCEPTED):
    """WHERE clause of the images ``context`` may list
    (``visibility.sql_filter``)."""
    return visibility_rule.sql_filter(context, visibility, member_status)


def _base_query(context, filters):
    query = sa.select(_img).where(_img.deleted == 0, visible_clause(
        context, filters.get('visibility'),
        filters.get('member_status') or visibility_rule.ACCEPTED))
    for key in ('name', 'status', 'owner', 'disk_format',
                'container_format', 'protected'):
        if filters.get(key) is not None:
            query = query.where(getattr(_img, key) == filters[key])
    if filters.get('ids') is not None:
        query = query.where(_img.uuid.in_(filters['ids']))
    return query


def _after_marker(session, context, query, marker, key, descending,
                  member_status):
    mrow = session.scalars(sa.select(_img).where(
        _img.uuid == marker, _img.deleted == 0,
        visible_clause(context, 'all', member_status))).first()
    if mrow is None:
        raise exception.Invalid('Invalid marker. Image %s could not be '
                                'found.' % marker[:64])
    column = SORT_KEYS[key]
    mvalue = session.scalar(sa.select(column).where(_img.id == mrow.id))
    if descending:
        return query.where(sa.or_(column < mvalue, sa.and_(
            column == mvalue, _img.id < mrow.id)))
    return query.where(sa.or_(column > mvalue, sa.and_(
        column == mvalue, _img.id > mrow.id)))


def image_list(context, filters, marker=None, limit=None,
               sort_key='created_at', sort_dir='desc', row_filter=None):
    """One page of the images visible to ``context``.

    :param filters: optional name, status, owner, disk_format,
        container_format, protected (exact), ids (list of uuids),
        visibility (public, private, shared, community or all),
        member_status (pending, accepted, rejected or all; see
        ``nova_lite.image.visibility``)
    :param row_filter: optional predicate on each image dict (for
        filters on the JSON ``properties``), applied before ``limit``
    :raises: Invalid (400) for a marker that is not a visible image
    """
    descending = sort_dir == 'desc'
    column = SORT_KEYS[sort_key]
    query = _base_query(context, filters)
    with reader(context) as session:
        if marker is not None:
            query = _after_marker(
                session, context, query, marker, sort_key, descending,
                filters.get('member_status') or visibility_rule.ACCEPTED)
        order = (column.desc(), _img.id.desc()) if descending else \
            (column.asc(), _img.id.asc())
        images = []
        for row in session.scalars(query.order_by(*order).execution_options(
                yield_per=200)):
            image = to_dict(row)
            if row_filter is None or row_filter(image):
                images.append(image)
                if limit is not None and len(images) >= limit:
                    break
        return images


@retry_on_deadlock
def image_update_if(context, image_uuid, expected_status, values):
    """Update a live image only while its status is ``expected_status``
    (a tuple allows several); returns True when it did."""
    if isinstance(expected_status, str):
        expected_status = (expected_status,)
    with writer(context) as session:
        return session.execute(sa.update(_img).where(
            _img.uuid == image_uuid, _img.deleted == 0,
            _img.status.in_(expected_status)).values(**values)
            .execution_options(synchronize_session=False)).rowcount == 1


# ------------------------------------ compute API image records

@retry_on_deadlock
def image_create(context, values):
    """Create an image record (status 'queued' unless given)."""
    values = dict(values)
    values.setdefault('uuid', str(uuidlib.uuid4()))
    with writer(context) as session:
        row = models.Image(**values)
        session.add(row)
        session.flush()
        return to_dict(row)


def image_get(context, image_uuid):
    """The live image's columns as a dict (as ``image_create``).

    :raises: ImageNotFound
    """
    found = live_row(context, models.Image, 'uuid', image_uuid)
    if found is None:
        raise exception.ImageNotFound(image_id=image_uuid)
    return found


def image_get_all(context, name=None, ids=None, status=None, marker=None,
                  limit=None, visibility='all'):
    """Images visible to the context (``visibility.sql_filter`` with
    ``visibility``: 'all' by default, None for Glance's default list),
    ordered by created_at then id.

    :raises: Invalid when ``marker`` is not a visible image's id
    """
    img = models.Image
    query = sa.select(img).filter_by(deleted=0).where(
        visible_clause(context, visibility))
    if name is not None:
        query = query.filter_by(name=name)
    if ids is not None:
        query = query.where(img.uuid.in_(ids))
    if status is not None:
        query = query.filter_by(status=status)
    with reader(context) as session:
        if marker is not None:
            mrow = session.scalars(sa.select(img).filter_by(
                uuid=marker, deleted=0).where(
                visible_clause(context, 'all'))).first()
            if mrow is None:
                raise exception.Invalid(reason='marker [%s] not found'
                                        % marker)
            query = query.where(sa.or_(
                img.created_at > mrow.created_at,
                sa.and_(img.created_at == mrow.created_at, img.id > mrow.id)))
        query = query.order_by(img.created_at, img.id)
        if limit is not None:
            query = query.limit(limit)
        return [to_dict(r) for r in session.scalars(query)]


@retry_on_deadlock
def image_update(context, image_uuid, values):
    """:raises: ImageNotFound"""
    with writer(context) as session:
        result = session.execute(sa.update(models.Image).where(
            models.Image.uuid == image_uuid,
            models.Image.deleted == 0).values(**values))
        if result.rowcount != 1:
            raise exception.ImageNotFound(image_id=image_uuid)
    return image_get(context, image_uuid)


@retry_on_deadlock
def image_destroy(context, image_uuid):
    """:raises: ImageNotFound"""
    with writer(context) as session:
        result = session.execute(sa.update(models.Image).where(
            models.Image.uuid == image_uuid, models.Image.deleted == 0)
            .values(deleted=models.Image.id, deleted_at=utcnow(),
                    status='deleted'))
        if result.rowcount != 1:
            raise exception.ImageNotFound(image_id=image_uuid)
