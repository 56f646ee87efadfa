"""The image service: the image catalogue (``images``), image members
(``image_members``) and the local image store.  Every image handler of
the APIs (``/image/v2``, ``/v2.1/images``, the CloudStack template
commands) and the compute API's boot checks go through ``API``; who
sees an image is decided by ``nova_lite.image.visibility`` alone.

Image files live in ``[image] store_path/<image uuid>``. Computes read
them with ``download``; the API serves them at ``/image/v2`` (Glance v2
subset).  Member operations follow Glance v2 ("Image Sharing"): see
``nova_lite.image.members``.
"""
import hashlib
import os
import shutil

from oslo_config import cfg

from nova_lite.db import image_members as member_db
from nova_lite.db import images as image_db
from nova_lite import exception
from nova_lite.image import members as members_mod
from nova_lite.image import visibility
from nova_lite.objects import instance as instance_obj

CONF = cfg.CONF
_CHUNK = 1024 * 1024


def image_path(image_uuid):
    """Path of the stored file of an image."""
    return os.path.join(CONF.image.store_path, image_uuid)


def to_image_meta(image):
    """``objects.ImageMeta`` of an image dict."""
    props = {k: (None if v is None else str(v))
             for k, v in (image.get('properties') or {}).items()}
    return instance_obj.ImageMeta(
        id=image['uuid'], name=image['name'],
        disk_format=image['disk_format'],
        container_format=image['container_format'], size=image['size'],
        min_disk=image['min_disk'] or 0, min_ram=image['min_ram'] or 0,
        properties=props)


#: Sort keys of ``API.search``.
SORT_KEYS = tuple(image_db.SORT_KEYS)


def is_visible(context, image, member_status=visibility.ACCEPTED):
    """True when ``context`` may see (and boot) ``image`` (a dict of
    ``image_get``): ``visibility.is_visible``, with the caller's
    membership read only when it matters."""
    membership = None
    if visibility.needs_membership(context, image):
        membership = member_db.membership(context, image['uuid'],
                                          context.project_id)
    return visibility.is_visible(context, image, membership, member_status)


class API(members_mod.MembersMixin):
    """Image catalogue operations."""

    def get(self, context, image_uuid):
        """:returns: ImageMeta  :raises: ImageNotFound"""
        return to_image_meta(image_db.image_get(context, image_uuid))

    def get_record(self, context, image_uuid):
        """The image dict whoever owns it (services' own use, e.g. the
        image of an existing instance).  :raises: ImageNotFound"""
        return image_db.image_get(context, image_uuid)

    def get_visible_record(self, context, image_uuid,
                           member_status=visibility.ACCEPTED):
        """The image dict, when ``context`` may see it (``is_visible``).

        :raises: ImageNotFound, also for an image the caller may not see
            (its existence is not revealed)
        """
        image = image_db.image_get(context, image_uuid)
        if not is_visible(context, image, member_status):
            raise exception.ImageNotFound(image_id=image_uuid)
        return image

    def list(self, context, name=None, ids=None, status=None, marker=None,
             limit=None, visibility='all'):
        """Visible images, oldest first (``db.images.image_get_all``);
        ``visibility=None`` is Glance's default list."""
        return image_db.image_get_all(
            context, name=name, ids=ids, status=status, marker=marker,
            limit=limit, visibility=visibility)

    def search(self, context, filters, marker=None, limit=None,
               sort_key='created_at', sort_dir='desc', row_filter=None):
        """One page of the visible images with Glance's list filters
        (``db.images.image_list``)."""
        return image_db.image_list(context, filters, marker=marker,
                                   limit=limit, sort_key=sort_key,
                                   sort_dir=sort_dir, row_filter=row_filter)

    def create_record(self, context, values):
        """Create an image record from ``images`` column values.

        :raises: DBDuplicateEntry for a taken uuid
        """
        return image_db.image_create(context, values)

    def update(self, context, image_uuid, values):
        """:returns: the updated image  :raises: ImageNotFound"""
        return image_db.image_update(context, image_uuid, values)

    def update_if(self, context, image_uuid, expected_status, values):
        """Update only while the status is ``expected_status`` (one or a
        tuple); True when it did."""
        return image_db.image_update_if(context, image_uuid,
                                        expected_status, values)

    def create(self, context, name, disk_format=None, container_format=None,
               min_disk=0, min_ram=0, visibility='public', properties=None,
               image_uuid=None):
        """Create a queued image record; upload its data with ``upload``."""
        values = {'name': name, 'disk_format': disk_format,
                  'container_format': container_format,
                  'min_disk': min_disk, 'min_ram': min_ram,
                  'visibility': visibility, 'properties': properties or {},
                  'owner': context.project_id, 'status': 'queued'}
        if image_uuid:
            values['uuid'] = image_uuid
        return image_db.image_create(context, values)

    def upload(self, context, image_uuid, stream):
        """Store the data of an image from a file-like ``stream``.

        :raises: ImageNotFound, Invalid (over ``max_image_size_mb``)
        """
        image_db.image_get(context, image_uuid)
        os.makedirs(CONF.image.store_path, exist_ok=True)
        limit = CONF.image.max_image_size_mb * 1024 * 1024
        tmp = image_path(image_uuid) + '.part'
        digest, size = hashlib.md5(usedforsecurity=False), 0
        with open(tmp, 'wb') as out:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    out.close()
                    os.unlink(tmp)
                    raise exception.Invalid(reason='image larger than %d MiB'
                                            % CONF.image.max_image_size_mb)
                digest.update(chunk)
                out.write(chunk)
        os.replace(tmp, image_path(image_uuid))
        return image_db.image_update(context, image_uuid, {
            'status': 'active', 'size': size,
            'checksum': digest.hexdigest()})

    def download(self, context, image_uuid, dest_path):
        """Copy the image's file to ``dest_path``.

        :raises: ImageNotFound when the record or its file is missing
        """
        image_db.image_get(context, image_uuid)
        src = image_path(image_uuid)
        if not os.path.exists(src):
            raise exception.ImageNotFound(image_id=image_uuid)
        tmp = dest_path + '.part'
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest_path)

    def delete(self, context, image_uuid):
        """:raises: ImageNotFound"""
        image_db.image_destroy(context, image_uuid)
        try:
            os.unlink(image_path(image_uuid))
        except FileNotFoundError:
            pass
