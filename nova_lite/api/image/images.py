"""``/image/v2/images``: list, show, create, update (JSON patch) and
delete images (Glance image API v2 reference, "Images").

Lists take ``name`` and ``id`` (a value or ``in:A,B``), ``status``,
``visibility`` (public, private, shared, community, all),
``member_status`` (accepted by default, pending, rejected, all: which
memberships list another project's shared images), ``owner``,
``disk_format``, ``container_format``, ``protected``, ``os_hidden``
(hidden images are left out unless true), ``tag`` (repeatable),
``size_min``/``size_max`` (bytes), ``sort_key``/``sort_dir`` (default
created_at desc), ``limit`` (default 25) and ``marker``; any other
parameter filters on an extra property.  The page has ``first`` and,
when full, ``next`` links relative to the image endpoint.

Which images a caller sees is ``nova_lite.image.visibility``'s rule
(Glance v2's: public, community, own, shared with an accepted
membership; admins all).  An unknown, invisible or non-UUID image id is
a 404.  Create answers 201
(status ``queued``), update 200, delete 204.
"""
from urllib import parse as urlparse

import flask
from oslo_db import exception as db_exc
from oslo_log import log as logging

from nova_lite.api.image import patching
from nova_lite.api.image import views
from nova_lite.api import openstack
from nova_lite.api.schemas import image as image_schemas
from nova_lite import exception
from nova_lite.image import api as image_api
from nova_lite.image import visibility
from nova_lite import policy
from nova_lite.policies import image as image_policies

LOG = logging.getLogger(__name__)
bp = flask.Blueprint('images_v2', __name__, url_prefix='/image/v2/images')
IMAGE = image_policies.IMAGE
DEFAULT_LIMIT = 25
IMAGES = image_api.API()

#: Query parameters that are not extra-property filters.
_KNOWN_PARAMS = frozenset({
    'name', 'id', 'status', 'visibility', 'owner', 'disk_format',
    'container_format', 'protected', 'os_hidden', 'tag', 'size_min',
    'size_max', 'sort_key', 'sort_dir', 'limit', 'marker',
    'member_status'})


_CALLER = object()


def authorize(context, action, owner=_CALLER):
    """Check ``image:<action>`` with the image owner (default: the
    caller's project) as target project; an image without owner is
    only an admin's."""
    if owner is _CALLER:
        owner = context.project_id
    policy.authorize(context, IMAGE % action,
                     {'project_id': owner or '', 'user_id': context.user_id})


def visible_image(context, image_id):
    """:raises: ImageNotFound (404) unless the caller may see it"""
    return IMAGES.get_visible_record(context, image_id)


# -------------------------------------------------------------------- list

def _in_list(value):
    """``in:A,B`` → [A, B]; a plain value → [value]."""
    if value.startswith('in:'):
        return [v for v in value[3:].split(',') if v]
    return [value]


def _choice(args, name, choices, default=None):
    value = args.get(name, default)
    if value is not None and value not in choices:
        raise exception.ValidationError(
            attribute=name, reason='%r is not one of %s'
            % (value[:64], ', '.join(sorted(choices))))
    return value


def _sql_filters(args):
    filters = {
        'visibility': _choice(args, 'visibility',
                              set(visibility.VISIBILITY_FILTERS)),
        'member_status': _choice(args, 'member_status',
                                 set(visibility.MEMBER_STATUS_FILTERS),
                                 visibility.ACCEPTED)}
    for name in ('status', 'owner', 'disk_format', 'container_format'):
        filters[name] = args.get(name)
    if 'protected' in args:
        filters['protected'] = openstack.parse_bool(args['protected'],
                                                    'protected')
    if 'id' in args:
        filters['ids'] = _in_list(args['id'])
    if 'name' in args:
        names = _in_list(args['name'])
        if len(names) == 1:
            filters['name'] = names[0]
        else:
            filters['names'] = names
    return filters


def _row_filter(args, names=None):
    """Predicate on image dicts for the filters SQL does not apply."""
    hidden = openstack.parse_bool(args['os_hidden'], 'os_hidden') \
        if 'os_hidden' in args else False
    wanted_tags = set(args.getlist('tag'))
    size_min = openstack.parse_int(args['size_min'], 'size_min', 0) \
        if 'size_min' in args else None
    size_max = openstack.parse_int(args['size_max'], 'size_max', 0) \
        if 'size_max' in args else None
    props = {k: v for k, v in args.items() if k not in _KNOWN_PARAMS}

    def keep(image):
        size = image['size'] or 0
        extras = views.extra_properties(image)
        return (views.hidden(image) == hidden
                and wanted_tags <= set(views.tags(image))
                and (names is None or image['name'] in names)
                and (size_min is None or size >= size_min)
                and (size_max is None or size <= size_max)
                and all(str(extras.get(k)) == v for k, v in props.items()))
    return keep


def _page_links(images, limit):
    """``first`` and (for a full page) ``next`` links."""
    params = [(k, v) for k, v in flask.request.args.items(multi=True)
              if k != 'marker']
    links = {'first': views.IMAGES_PATH + (
        '?' + urlparse.urlencode(params) if params else '')}
    if images and len(images) >= limit:
        params = [(k, v) for k, v in params if k != 'limit']
        params += [('limit', str(limit)), ('marker', images[-1]['uuid'])]
        links['next'] = '%s?%s' % (views.IMAGES_PATH,
                                   urlparse.urlencode(params))
    return links


def _limit(args):
    limit = DEFAULT_LIMIT
    if 'limit' in args:
        limit = openstack.parse_int(args['limit'], 'limit', minimum=0)
    return min(limit, openstack.conf().api.max_limit)


@bp.get('')
def index():
    """200 ``{"images": [...], "first", "next", "schema"}``."""
    context = openstack.context()
    authorize(context, 'get_images')
    args = flask.request.args
    filters = _sql_filters(args)
    names = filters.pop('names', None)
    limit = _limit(args)
    images = IMAGES.search(
        context, filters, marker=args.get('marker') or None, limit=limit,
        sort_key=_choice(args, 'sort_key', set(image_api.SORT_KEYS),
                         'created_at'),
        sort_dir=_choice(args, 'sort_dir', {'asc', 'desc'}, 'desc'),
        row_filter=_row_filter(args, names))
    body = {'images': [views.image(i) for i in images]}
    body.update(_page_links(images, limit))
    body['schema'] = views.IMAGES_SCHEMA_PATH
    return body


# ------------------------------------------------------ show, create, delete

@bp.get('/<image_id>')
def show(image_id):
    """200 with the image; 404 for unknown or invisible ids."""
    context = openstack.context()
    authorize(context, 'get_image')
    return views.image(visible_image(context, image_id))


def _create_values(context, body):
    properties = {k: v for k, v in body.items()
                  if k not in image_schemas.BASE_PROPERTIES and k != 'id'}
    if body.get('tags'):
        properties[views.TAGS_KEY] = body['tags']
    if body.get('os_hidden'):
        properties[views.HIDDEN_KEY] = True
    values = {'name': body.get('name'), 'status': 'queued',
              'owner': context.project_id,
              'visibility': body.get('visibility', 'shared'),
              'protected': body.get('protected', False),
              'disk_format': body.get('disk_format'),
              'container_format': body.get('container_format'),
              'min_disk': body.get('min_disk', 0),
              'min_ram': body.get('min_ram', 0), 'properties': properties}
    if body.get('id'):
        values['uuid'] = body['id']
    return values


@bp.post('')
def create():
    """201 with the new (queued) image; 403 for read-only or reserved
    attributes and, unless admin, visibility public; 409 for a taken
    id."""
    context = openstack.context()
    authorize(context, 'add_image')
    body = openstack.body()
    patching.check_writable(set(body) - {'id'})
    if body.get('visibility') == 'public':
        authorize(context, 'publicize_image')
    try:
        image = IMAGES.create_record(context, _create_values(context, body))
    except db_exc.DBDuplicateEntry:
        raise exception.Conflict('An image with identifier %s already '
                                 'exists' % body['id']) from None
    LOG.info('Image %s created by project %s', image['uuid'],
             context.project_id)
    return views.image(image), 201


@bp.patch('/<image_id>')
def update(image_id):
    """200 with the updated image (JSON patch, media type
    ``application/openstack-images-v2.1-json-patch``)."""
    context = openstack.context()
    image = visible_image(context, image_id)
    authorize(context, 'modify_image', image['owner'])
    values = patching.apply(image, openstack.body())
    if values.get('visibility') == 'public' and \
            image['visibility'] != 'public':
        authorize(context, 'publicize_image', image['owner'])
    if values:
        IMAGES.update(context, image_id, values)
    return views.image(visible_image(context, image_id))


def delete_image(context, image_id):
    """Delete an image as Glance does (also the compute image proxy's
    ``DELETE /v2.1/images/{id}``, which Nova hands to Glance).

    :raises: ImageNotFound (404) for an unknown or invisible image;
        Forbidden (403) for a protected image or, by policy
        ``image:delete_image``, another project's
    """
    image = visible_image(context, image_id)
    authorize(context, 'delete_image', image['owner'])
    if image['protected']:
        raise exception.Forbidden('Image %s is protected and cannot be '
                                  'deleted.' % image_id)
    IMAGES.delete(context, image_id)
    LOG.info('Image %s deleted', image_id)


@bp.delete('/<image_id>')
def delete(image_id):
    """204; 403 for a protected image or another project's."""
    delete_image(openstack.context(), image_id)
    return '', 204
