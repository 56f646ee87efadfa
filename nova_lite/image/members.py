"""Image members: sharing an image with other projects, after the Glance
image API v2 reference ("Image Sharing"), and CloudStack's template
permissions over the same records.

Glance's rules:

- the image must be visible to the caller, whatever the caller's own
  member status (else 404: a pending member can see its membership and
  accept it), and ``shared`` (else 403 "Only shared images have
  members.");
- only the image owner (or an admin) adds (409 when it is a member
  already) and removes members (403 for anyone else);
- only the member itself (or an admin) changes its status to pending,
  accepted or rejected (403 for the owner);
- the owner sees every member, a member only its own membership (404
  for another's).

A new Glance member is ``pending``; a CloudStack share
(``update_permissions``) is ``accepted`` at once, as CloudStack has no
acceptance step.  Members are dicts of ``db.image_members``.
"""
from nova_lite.db import image_members as member_db
from nova_lite import exception
from nova_lite.image import visibility

ONLY_SHARED = 'Only shared images have members.'


def _is_owner(context, image):
    return context.is_admin or (bool(context.project_id)
                                and image['owner'] == context.project_id)


class MembersMixin:
    """Member operations of ``nova_lite.image.api.API`` (which gives
    ``get_visible_record`` and ``update``)."""

    def member_image(self, context, image_uuid):
        """The image whose members the caller handles.

        :raises: ImageNotFound (404) unless visible to the caller as any
            kind of member; Forbidden (403) unless ``shared``
        """
        image = self.get_visible_record(context, image_uuid,
                                        member_status=visibility.ALL)
        if image['visibility'] != 'shared':
            raise exception.Forbidden(ONLY_SHARED)
        return image

    def member_list(self, context, image_uuid):
        """The members the caller may see (all for the owner, its own
        for a member).

        :raises: ImageNotFound, Forbidden (see ``member_image``)
        """
        image = self.member_image(context, image_uuid)
        if _is_owner(context, image):
            return member_db.member_list(context, image_uuid)
        return member_db.member_list(context, image_uuid,
                                     member=context.project_id)

    def member_get(self, context, image_uuid, member):
        """:raises: ImageMemberNotFound (404) for an unknown member or
            another project's membership seen by a non-owner"""
        image = self.member_image(context, image_uuid)
        if not _is_owner(context, image) and member != context.project_id:
            raise exception.ImageMemberNotFound(image_id=image_uuid,
                                                member=member)
        found = member_db.member_list(context, image_uuid, member=member)
        if not found:
            raise exception.ImageMemberNotFound(image_id=image_uuid,
                                                member=member)
        return found[0]

    def member_add(self, context, image_uuid, member):
        """Add a pending member.

        :raises: Forbidden (403) unless owner; Conflict (409) when it is
            a member already
        """
        image = self.member_image(context, image_uuid)
        if not _is_owner(context, image):
            raise exception.Forbidden('Only the owner of image %s can add '
                                      'members.' % image_uuid)
        return member_db.member_create(context, image_uuid, member)

    def member_set_status(self, context, image_uuid, member, status):
        """Change a membership's status (pending, accepted, rejected).

        :raises: ImageMemberNotFound (404); Forbidden (403) unless the
            caller is that member (or an admin)
        """
        self.member_get(context, image_uuid, member)
        if not (context.is_admin or member == context.project_id):
            raise exception.Forbidden('Only the member %s can change the '
                                      'status of its membership.' % member)
        return member_db.member_set_status(context, image_uuid, member,
                                           status)

    def member_remove(self, context, image_uuid, member):
        """:raises: Forbidden (403) unless owner; ImageMemberNotFound"""
        image = self.member_image(context, image_uuid)
        if not _is_owner(context, image):
            raise exception.Forbidden('Only the owner of image %s can '
                                      'remove members.' % image_uuid)
        if not member_db.member_delete(context, image_uuid, [member]):
            raise exception.ImageMemberNotFound(image_id=image_uuid,
                                                member=member)

    # -------------------------------------------------- CloudStack sharing

    def owned_image(self, context, image_uuid):
        """An image visible to the caller that it owns (or an admin).

        :raises: ImageNotFound; Forbidden unless owner
        """
        image = self.get_visible_record(context, image_uuid)
        if not _is_owner(context, image):
            raise exception.Forbidden('Only the owner of template %s can '
                                      'change or list its permissions.'
                                      % image_uuid)
        return image

    def permissions(self, context, image_uuid):
        """``(image, [project ids])`` of CloudStack's
        listTemplatePermissions: the accepted members of a shared image.

        :raises: ImageNotFound; Forbidden unless owner
        """
        image = self.owned_image(context, image_uuid)
        if image['visibility'] != 'shared':
            return image, []
        return image, [m['member'] for m in member_db.member_list(
            context, image_uuid) if m['status'] == visibility.ACCEPTED]

    def update_permissions(self, context, image_uuid, op=None, projects=(),
                           public=None):
        """CloudStack's updateTemplatePermissions: ``public`` True makes
        the image public, False private (shared while it has members);
        then ``op`` 'add' shares it with ``projects`` (accepted at once;
        a private image becomes shared), 'remove' unshares them, 'reset'
        removes every member (a shared image becomes private).

        :raises: ImageNotFound; Forbidden unless owner; Invalid for
            sharing a public or community image
        """
        image = self.owned_image(context, image_uuid)
        current = image['visibility']
        if public is True:
            current = 'public'
        elif public is False and current == 'public':
            current = 'shared' if member_db.member_list(
                context, image_uuid) else 'private'
        if op == 'add':
            if current in ('public', 'community'):
                raise exception.Invalid(
                    reason='template %s is %s: it is visible to every '
                    'project already' % (image_uuid, current))
            current = 'shared'
            for project in projects:
                if project == image['owner']:
                    continue
                try:
                    member_db.member_create(context, image_uuid, project,
                                            status=visibility.ACCEPTED)
                except exception.Conflict:
                    member_db.member_set_status(context, image_uuid,
                                                project, visibility.ACCEPTED)
        elif op == 'remove':
            member_db.member_delete(context, image_uuid, projects)
        elif op == 'reset':
            member_db.member_delete(context, image_uuid)
            if current == 'shared':
                current = 'private'
        if current != image['visibility']:
            self.update(context, image_uuid, {'visibility': current})
