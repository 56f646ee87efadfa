"""SQL of image members (``image_members``, Glance v2 "Image Sharing"):
the projects a ``shared`` image is shared with and the status of each
membership (pending, accepted, rejected).

Members are dicts ``{"image_id": <image uuid>, "member": <project id>,
"status", "created_at", "updated_at"}`` (times naive UTC).  Who may add,
change or remove one is decided by ``nova_lite.image.api``.
"""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception

_member = models.ImageMember
_img = models.Image


def _to_dict(row, image_uuid):
    return {'image_id': image_uuid, 'member': row.member,
            'status': row.status, 'created_at': row.created_at,
            'updated_at': row.updated_at or row.created_at}


def _image_id(session, image_uuid):
    image_id = session.scalar(sa.select(_img.id).where(
        _img.uuid == image_uuid, _img.deleted == 0))
    if image_id is None:
        raise exception.ImageNotFound(image_id=image_uuid)
    return image_id


def member_list(context, image_uuid, member=None):
    """The members of an image, oldest first; only ``member``'s when
    given.

    :raises: ImageNotFound
    """
    with reader(context) as session:
        query = sa.select(_member).where(
            _member.image_id == _image_id(session, image_uuid))
        if member is not None:
            query = query.where(_member.member == member)
        return [_to_dict(r, image_uuid) for r in session.scalars(
            query.order_by(_member.id))]


def membership(context, image_uuid, member):
    """The status of ``member``'s membership of a live image, or None."""
    with reader(context) as session:
        return session.scalar(sa.select(_member.status).join(
            _img, _img.id == _member.image_id).where(
            _img.uuid == image_uuid, _img.deleted == 0,
            _member.member == member))


@retry_on_deadlock
def member_create(context, image_uuid, member, status='pending'):
    """Add a member.

    :raises: ImageNotFound; Conflict (409) when it is one already
    """
    with writer(context) as session:
        image_id = _image_id(session, image_uuid)
        exists = session.scalar(sa.select(_member.id).where(
            _member.image_id == image_id, _member.member == member))
        if exists is not None:
            raise exception.Conflict(
                'Member %s already exists for image %s.' % (member,
                                                            image_uuid))
        row = _member(image_id=image_id, member=member, status=status)
        session.add(row)
        session.flush()
        return _to_dict(row, image_uuid)


@retry_on_deadlock
def member_set_status(context, image_uuid, member, status):
    """Set the status of a membership; returns the member.

    :raises: ImageNotFound, ImageMemberNotFound
    """
    with writer(context) as session:
        image_id = _image_id(session, image_uuid)
        row = session.scalars(sa.select(_member).where(
            _member.image_id == image_id, _member.member == member)).first()
        if row is None:
            raise exception.ImageMemberNotFound(image_id=image_uuid,
                                                member=member)
        if row.status != status:
            row.status = status
            row.updated_at = utcnow()
        session.flush()
        return _to_dict(row, image_uuid)


@retry_on_deadlock
def member_delete(context, image_uuid, members=None):
    """Remove members (all of them when ``members`` is None); returns
    how many were removed.

    :raises: ImageNotFound
    """
    with writer(context) as session:
        query = sa.delete(_member).where(
            _member.image_id == _image_id(session, image_uuid))
        if members is not None:
            query = query.where(_member.member.in_(list(members)))
        return session.execute(query.execution_options(
            synchronize_session=False)).rowcount
