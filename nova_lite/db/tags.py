"""Server tags (compute API microversion 2.26): rows of ``tags``, one a
(server uuid, tag) pair.  Visibility of the server is the caller's to
check (``nova_lite.compute.tags``); these functions take its uuid.

``MAX_TAGS`` bounds the tags of one server: adding past it raises
``TooManyTags`` inside the transaction that would add them.
"""
from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import writer
from nova_lite import exception

#: Most tags of one server (compute API reference, "Server tags").
MAX_TAGS = 50


class TooManyTags(exception.Invalid):
    msg_fmt = 'The number of tags exceeded the per-server limit %(max)d'


def tags_get(context, instance_uuids):
    """``{uuid: sorted list of tags}`` of the servers (every uuid a key);
    one SELECT, none for no uuid."""
    result = {uuid: [] for uuid in instance_uuids}
    if not result:
        return result
    tag = models.Tag
    with reader(context) as session:
        for row in session.execute(sa.select(tag.resource_id, tag.tag).where(
                tag.resource_id.in_(sorted(result))).order_by(tag.tag)):
            result[row.resource_id].append(row.tag)
    return result


def _count(session, instance_uuid):
    return session.scalar(sa.select(sa.func.count()).where(
        models.Tag.resource_id == instance_uuid))


@retry_on_deadlock
def tag_add(context, instance_uuid, tag):
    """Add ``tag``; True if it is new, False if the server had it (also
    when a concurrent request added it first).

    :raises: TooManyTags (400) past ``MAX_TAGS``
    """
    try:
        with writer(context) as session:
            if session.get(models.Tag, (instance_uuid, tag)) is not None:
                return False
            if _count(session, instance_uuid) >= MAX_TAGS:
                raise TooManyTags(max=MAX_TAGS)
            session.add(models.Tag(resource_id=instance_uuid, tag=tag))
    except db_exc.DBDuplicateEntry:
        return False
    return True


@retry_on_deadlock
def tags_set(context, instance_uuid, tags):
    """Replace the server's tags by ``tags`` (duplicates once); returns
    them sorted.

    :raises: TooManyTags (400) past ``MAX_TAGS``
    """
    tags = sorted(set(tags))
    if len(tags) > MAX_TAGS:
        raise TooManyTags(max=MAX_TAGS)
    with writer(context) as session:
        session.execute(sa.delete(models.Tag).where(
            models.Tag.resource_id == instance_uuid))
        session.add_all([models.Tag(resource_id=instance_uuid, tag=t)
                         for t in tags])
    return tags


@retry_on_deadlock
def tag_delete(context, instance_uuid, tag):
    """Remove ``tag``; False if the server did not have it."""
    with writer(context) as session:
        return session.execute(sa.delete(models.Tag).where(
            models.Tag.resource_id == instance_uuid,
            models.Tag.tag == tag)).rowcount == 1


@retry_on_deadlock
def tags_delete_all(context, instance_uuid):
    """Remove every tag of the server."""
    with writer(context) as session:
        session.execute(sa.delete(models.Tag).where(
            models.Tag.resource_id == instance_uuid))


def filter_query(query, instance_uuid_column, filters):
    """``query`` narrowed by the tag filters of List Servers (lists of
    tags): ``tags`` (has all), ``tags_any`` (has one at least),
    ``not_tags`` (lacks one at least), ``not_tags_any`` (has none)."""
    tag = models.Tag

    def having(tags, count_all):
        sub = sa.select(tag.resource_id).where(tag.tag.in_(tags))
        if count_all:
            sub = sub.group_by(tag.resource_id).having(
                sa.func.count(sa.distinct(tag.tag)) == len(set(tags)))
        return instance_uuid_column.in_(sub)

    if filters.get('tags'):
        query = query.where(having(filters['tags'], True))
    if filters.get('tags_any'):
        query = query.where(having(filters['tags_any'], False))
    if filters.get('not_tags'):
        query = query.where(sa.not_(having(filters['not_tags'], True)))
    if filters.get('not_tags_any'):
        query = query.where(sa.not_(having(filters['not_tags_any'], False)))
    return query
