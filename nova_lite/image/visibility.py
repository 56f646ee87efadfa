"""The one image-visibility rule of nova_lite, Glance v2's (Glance image
API v2 reference, "Images" / "List images" and "Image Sharing"), as a
SQL filter for lists and as a check of one image, both derived from the
same rule so they cannot drift.

An image is visible to a project when it is ``public``, ``community``,
owned by the project, or ``shared`` with the project as a member whose
status is ``accepted``; admins see every image.  An image without owner
is an admin's.

Lists (``sql_filter``) add Glance's list filters:

- ``visibility``: ``public``, ``private``, ``shared`` or ``community``
  keeps only the images of that visibility (among the visible ones);
  ``all`` keeps every visible image; absent, the default list leaves out
  the community images of other projects (Glance: "If you omit this
  parameter, the response shows public, private, and those shared images
  with a member status of accepted"; a project's own community images
  are listed; admins' default list has every image).
- ``member_status``: which memberships make a shared image visible,
  ``accepted`` (default), ``pending``, ``rejected`` or ``all``.  It only
  widens or narrows the shared-with-me part: public, community and own
  images are listed whatever its value.

Show, boot, and every other use of one image (``is_visible``) apply the
rule with ``visibility=all`` and ``member_status=accepted``: a pending,
rejected or removed member cannot see nor boot the image.  (Glance lets
a member show an image whatever its member status; nova_lite asks for an
accepted membership, so that rejecting a share also takes the image
away.)  The image-member routes look the image up with
``member_status=all`` so that a pending member can accept it.

The rule is written once (``_rule``) as a small expression tree that
``sql_filter`` compiles to SQLAlchemy and ``is_visible`` evaluates in
Python.  Owner comparisons are never negated, so SQL's NULL owner
behaves as Python's "not equal".
"""
import sqlalchemy as sa

from nova_lite.db import models

VISIBILITIES = ('public', 'private', 'shared', 'community')
#: Values of the ``visibility`` list filter.
VISIBILITY_FILTERS = VISIBILITIES + ('all',)
MEMBER_STATUSES = ('pending', 'accepted', 'rejected')
#: Values of the ``member_status`` list filter.
MEMBER_STATUS_FILTERS = MEMBER_STATUSES + ('all',)
ACCEPTED = 'accepted'
ALL = 'all'


# --------------------------------------------------------------- the rule
# Nodes: ('true',), ('false',), ('or', [nodes]), ('and', [nodes]),
# ('eq', column, value), ('ne', column, value), ('member', project,
# statuses): the project is a member of the image with one of statuses.

def _rule(context, visibility=None, member_status=ACCEPTED):
    """The rule as an expression tree (see the module doc)."""
    project = context.project_id
    terms = []
    if not context.is_admin:
        owned = ('eq', 'owner', project) if project else ('false',)
        statuses = MEMBER_STATUSES if member_status == ALL \
            else (member_status,)
        shared = ('and', [('eq', 'visibility', 'shared'),
                          ('member', project, statuses)]) if project \
            else ('false',)
        terms.append(('or', [('eq', 'visibility', 'public'),
                             ('eq', 'visibility', 'community'),
                             owned, shared]))
    if visibility is None and not context.is_admin:
        terms.append(('or', [('ne', 'visibility', 'community'),
                             ('eq', 'owner', project) if project
                             else ('false',)]))
    elif visibility not in (None, ALL):
        terms.append(('eq', 'visibility', visibility))
    return ('and', terms)


def _check_filters(visibility, member_status):
    if visibility is not None and visibility not in VISIBILITY_FILTERS:
        raise ValueError('visibility %r' % (visibility,))
    if member_status not in MEMBER_STATUS_FILTERS:
        raise ValueError('member_status %r' % (member_status,))


# ------------------------------------------------------------------- SQL

def _to_sql(node):
    kind = node[0]
    if kind == 'true':
        return sa.true()
    if kind == 'false':
        return sa.false()
    if kind == 'or':
        return sa.or_(*[_to_sql(n) for n in node[1]])
    if kind == 'and':
        return sa.and_(sa.true(), *[_to_sql(n) for n in node[1]])
    if kind == 'eq':
        return getattr(models.Image, node[1]) == node[2]
    if kind == 'ne':
        return getattr(models.Image, node[1]) != node[2]
    member = models.ImageMember
    return sa.exists().where(member.image_id == models.Image.id,
                             member.member == node[1],
                             member.status.in_(node[2]))


def sql_filter(context, visibility=None, member_status=ACCEPTED):
    """WHERE clause (over ``images``) of the images ``context`` may list.

    :param visibility: a value of VISIBILITY_FILTERS, or None for the
        default list
    :param member_status: a value of MEMBER_STATUS_FILTERS
    :raises: ValueError for other values (callers validate first)
    """
    _check_filters(visibility, member_status)
    return _to_sql(_rule(context, visibility, member_status))


# ---------------------------------------------------------------- Python

def _evaluate(node, image, membership):
    kind = node[0]
    if kind in ('true', 'false'):
        return kind == 'true'
    if kind == 'or':
        return any(_evaluate(n, image, membership) for n in node[1])
    if kind == 'and':
        return all(_evaluate(n, image, membership) for n in node[1])
    if kind == 'eq':
        return image[node[1]] is not None and image[node[1]] == node[2]
    if kind == 'ne':
        return image[node[1]] is not None and image[node[1]] != node[2]
    return membership is not None and membership in node[2]


def matches(context, image, membership, visibility=None,
            member_status=ACCEPTED):
    """True when ``image`` (a dict with ``visibility`` and ``owner``)
    passes ``sql_filter(context, visibility, member_status)``.

    :param membership: the status of the caller's project's membership
        of the image, or None when it is not a member
    """
    _check_filters(visibility, member_status)
    return _evaluate(_rule(context, visibility, member_status), image,
                     membership)


def is_visible(context, image, membership, member_status=ACCEPTED):
    """True when ``context`` may see (show, boot) ``image``: the rule
    with ``visibility=all`` (see the module doc)."""
    return matches(context, image, membership, ALL, member_status)


def needs_membership(context, image):
    """False when the membership cannot change the answer (admin, owner,
    public, community or non-shared image): callers skip its query."""
    return (not context.is_admin and image['visibility'] == 'shared'
            and bool(context.project_id)
            and image['owner'] != context.project_id)
