"""``/image/v2/images/{id}/members``: share an image with other projects
(Glance image API v2 reference, "Image Sharing").

- ``GET .../members``: 200 ``{"members": [<member>], "schema"}``: every
  member for the owner, only its own membership for a member;
- ``POST .../members`` ``{"member": <project id>}``: 200 with the new
  member, status ``pending``; 403 unless the caller owns the image, 409
  when the project is a member already;
- ``GET .../members/{member_id}``: 200 with the member; 404 for another
  project's membership seen by a non-owner;
- ``PUT .../members/{member_id}`` ``{"status": "pending" | "accepted" |
  "rejected"}``: 200 with the member; 403 unless the caller is that
  member;
- ``DELETE .../members/{member_id}``: 204; 403 unless the caller owns the
  image.

A member is ``{"image_id", "member_id", "status", "created_at",
"updated_at", "schema"}``.  Every route answers 404 for an image the
caller cannot see (as owner, or as a member whatever its status) and
403 "Only shared images have members." for an image that is not
``shared``.  The rules are the image service's
(``nova_lite.image.members``).
"""
import flask
from oslo_log import log as logging

from nova_lite.api.image import images
from nova_lite.api import openstack

LOG = logging.getLogger(__name__)
bp = flask.Blueprint('image_members', __name__,
                     url_prefix='/image/v2/images/<image_id>/members')
MEMBER_SCHEMA_PATH = '/v2/schemas/member'
MEMBERS_SCHEMA_PATH = '/v2/schemas/members'


def _view(member):
    return {'created_at': openstack.isotime(member['created_at']),
            'image_id': member['image_id'], 'member_id': member['member'],
            'schema': MEMBER_SCHEMA_PATH, 'status': member['status'],
            'updated_at': openstack.isotime(member['updated_at'])}


@bp.get('')
def index(image_id):
    """200 ``{"members": [...], "schema"}``."""
    context = openstack.context()
    images.authorize(context, 'get_members')
    members = images.IMAGES.member_list(context, image_id)
    return {'members': [_view(m) for m in members],
            'schema': MEMBERS_SCHEMA_PATH}


@bp.post('')
def create(image_id):
    """200 with the new (pending) member."""
    context = openstack.context()
    image = images.IMAGES.member_image(context, image_id)
    images.authorize(context, 'add_member', image['owner'])
    member = images.IMAGES.member_add(context, image_id,
                                      openstack.body()['member'])
    LOG.info('Image %s shared with project %s', image_id, member['member'])
    return _view(member)


@bp.get('/<member_id>')
def show(image_id, member_id):
    """200 with the member."""
    context = openstack.context()
    images.authorize(context, 'get_member')
    return _view(images.IMAGES.member_get(context, image_id, member_id))


@bp.put('/<member_id>')
def update(image_id, member_id):
    """200 with the member in its new status."""
    context = openstack.context()
    images.IMAGES.member_get(context, image_id, member_id)
    images.authorize(context, 'modify_member', member_id)
    member = images.IMAGES.member_set_status(
        context, image_id, member_id, openstack.body()['status'])
    LOG.info('Membership of project %s of image %s is now %s', member_id,
             image_id, member['status'])
    return _view(member)


@bp.delete('/<member_id>')
def delete(image_id, member_id):
    """204."""
    context = openstack.context()
    image = images.IMAGES.member_image(context, image_id)
    images.authorize(context, 'delete_member', image['owner'])
    images.IMAGES.member_remove(context, image_id, member_id)
    LOG.info('Image %s no longer shared with project %s', image_id,
             member_id)
    return '', 204
