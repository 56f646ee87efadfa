"""Policies of the image API (``/image/v2``, a Glance v2 subset; rule
names after Glance's).  Any authenticated user reads the images visible
to it (public, community and its project's); creating, uploading,
changing and deleting need a member of the owning project or an admin,
and making an image public needs an admin.  The target's ``project_id``
is the image's owner, but for ``modify_member`` (accept, reject) the
member's project.  Image members (Glance v2 "Image Sharing"): the owner
adds and removes them, the member changes its own status; those
ownership rules are the image service's (``nova_lite.image.members``),
these policies only say which roles may try."""
from oslo_policy import policy

from nova_lite.policies import base

IMAGE = 'image:%s'
_I = '/image/v2/images'
_M = _I + '/{image_id}/members'


def _op(action, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=IMAGE % action, check_str=check, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _op('get_images', base.ANYONE, 'List the images visible to the caller',
        'GET', _I),
    _op('get_image', base.ANYONE, 'Show an image visible to the caller',
        'GET', _I + '/{image_id}'),
    _op('download_image', base.ANYONE,
        'Download the data of an image visible to the caller', 'GET',
        _I + '/{image_id}/file'),
    _op('add_image', base.PROJECT_MEMBER_OR_ADMIN, 'Create an image',
        'POST', _I),
    _op('upload_image', base.PROJECT_MEMBER_OR_ADMIN,
        'Upload the data of an image', 'PUT', _I + '/{image_id}/file'),
    _op('modify_image', base.PROJECT_MEMBER_OR_ADMIN, 'Update an image',
        'PATCH', _I + '/{image_id}'),
    _op('delete_image', base.PROJECT_MEMBER_OR_ADMIN, 'Delete an image',
        'DELETE', _I + '/{image_id}'),
    _op('publicize_image', base.ADMIN, 'Create or update an image with '
        'visibility public', 'POST', _I),
    _op('get_members', base.ANYONE, 'List the members of a shared image '
        '(a member sees its own membership)', 'GET', _M),
    _op('get_member', base.ANYONE, 'Show a member of a shared image',
        'GET', _M + '/{member_id}'),
    _op('add_member', base.PROJECT_MEMBER_OR_ADMIN, 'Share an image with '
        'a project (owner)', 'POST', _M),
    _op('modify_member', base.PROJECT_MEMBER_OR_ADMIN, 'Accept or reject '
        'an image shared with the project (member)', 'PUT',
        _M + '/{member_id}'),
    _op('delete_member', base.PROJECT_MEMBER_OR_ADMIN, 'Stop sharing an '
        'image with a project (owner)', 'DELETE', _M + '/{member_id}'),
]


def list_rules():
    return rules
