"""The image API at ``/image`` (``/image/v2/images``, a subset of the
Glance image API v2) over nova_lite's image catalogue and store
(``nova_lite.image.api``), so that clients with an ``image`` endpoint in
their catalog (``openstack image ...``, ``--image NAME``, Tempest) work
without Glance.

``create_app(conf)`` is a Flask app of its own behind the compute API's
authentication pipeline (``nova_lite.api.auth``), mounted at PREFIX by
``nova_lite.api.wsgi.build_app``: its errors are in Glance's format
(``errors``), its JSON bodies validated by
``nova_lite.api.schemas.image``, and its upload route streams the image
data (``is_upload``: exempt from ``[api] max_request_body_size``, bounded
by ``[image] max_image_size_mb``).  Modules: ``versions``, ``images``
(metadata), ``image_data`` (file upload and download), ``members``
(image sharing), ``tasks`` (an image's tasks: none), ``patching``
(JSON patch), ``views``, ``errors``.
"""
import json
import re

import flask

from nova_lite.api import auth
from nova_lite.api.image import errors
from nova_lite.api.image import patching
from nova_lite.api import openstack
from nova_lite.api import schemas
from nova_lite.api.schemas import image as image_schemas
from nova_lite import exception

PREFIX = '/image'
PATCH_MEDIA_TYPE = 'application/openstack-images-v2.1-json-patch'
#: The older patch media type Glance still takes (Tempest's image client
#: sends it): each operation is ``{"<op>": "<path>", "value": ...}``.
PATCH_MEDIA_TYPE_V20 = 'application/openstack-images-v2.0-json-patch'

_UPLOAD_PATH = re.compile(r'^/image/v2/images/[^/]+/file/?\Z')


def is_upload(environ):
    """True for ``PUT /image/v2/images/{id}/file`` (image data)."""
    return (environ.get('REQUEST_METHOD') == 'PUT'
            and bool(_UPLOAD_PATH.match(environ.get('PATH_INFO', ''))))


def _reject_nul_in_url():
    if '\x00' in flask.request.path:
        raise exception.NotFound()
    for key, value in flask.request.args.items(multi=True):
        if '\x00' in key or '\x00' in value:
            raise exception.ValidationError(
                attribute=key.replace('\x00', '')[:64],
                reason='NUL characters are not allowed')


def _check_media_type(expected):
    mimetype = flask.request.mimetype
    if mimetype != expected:
        raise errors.UnsupportedMediaType(
            content_type=(mimetype or 'none')[:64], expected=expected)


def _json_body(expected_type):
    _check_media_type(expected_type)
    data = flask.request.get_data(cache=True)
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):
        raise exception.InvalidRequestBody(
            reason='the body is not valid JSON') from None
    if _has_nul(body):
        raise exception.InvalidRequestBody(
            reason='NUL characters are not allowed in strings')
    return body


def _has_nul(value):
    """True if a string (or key) of a parsed JSON body holds NUL, which
    no database column accepts."""
    if isinstance(value, str):
        return '\x00' in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _validate_body():
    """Check the media type of body-taking routes and validate JSON
    bodies into ``flask.g.body``."""
    flask.g.body = None
    rule = flask.request.url_rule
    if rule is None:
        return
    route = (flask.request.method, rule.rule)
    if route in image_schemas.RAW_BODY_ROUTES:
        _check_media_type(image_schemas.RAW_BODY_ROUTES[route])
        return
    schema = image_schemas.route_schemas().get(route)
    if schema is not None:
        media_type = PATCH_MEDIA_TYPE if flask.request.method == 'PATCH' \
            else 'application/json'
        if media_type == PATCH_MEDIA_TYPE and \
                flask.request.mimetype == PATCH_MEDIA_TYPE_V20:
            body = patching.from_v20(_json_body(PATCH_MEDIA_TYPE_V20))
        else:
            body = _json_body(media_type)
        schemas.validate(schema, body)
        flask.g.body = body


def create_flask_app(conf):
    """The Flask app of the image API (without authentication)."""
    from nova_lite.api.image import image_data
    from nova_lite.api.image import images
    from nova_lite.api.image import members
    from nova_lite.api.image import tasks
    from nova_lite.api.image import versions

    app = flask.Flask('nova_lite.api.image')
    app.config[openstack.CONF_KEY] = conf
    app.json.sort_keys = False
    for blueprint in (versions.bp, images.bp, image_data.bp,
                      members.bp, tasks.bp):
        app.register_blueprint(blueprint)
    app.before_request(_reject_nul_in_url)
    app.before_request(_validate_body)
    errors.install(app)
    return app


def create_app(conf):
    """The image API behind the compute API's authentication pipeline."""
    return auth.pipeline_factory(create_flask_app(conf), conf)
