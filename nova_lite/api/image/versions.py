"""The image API's versions document (Glance image API v2 reference,
"API versions"): ``GET /image`` answers 300 Multiple Choices with the
versions and their ``self`` links, without authentication (the path is
in ``nova_lite.api.auth.VERSION_PATHS``); ``GET /image/versions`` answers
the same with 200.

nova_lite serves a v2.1-era subset (JSON patch media type 2.1, members,
an image's tasks (always none), no image import): it lists v2.1 as
CURRENT and v2.0.
"""
import flask

from nova_lite.api import openstack

bp = flask.Blueprint('image_versions', __name__)

VERSIONS = (('v2.1', 'CURRENT'), ('v2.0', 'SUPPORTED'))


def document():
    """``{"versions": [{"id", "status", "links"}]}``."""
    href = openstack.base_url() + 'image/v2/'
    return {'versions': [{'id': version, 'status': status,
                          'links': [{'rel': 'self', 'href': href}]}
                         for version, status in VERSIONS]}


@bp.get('/image')
@bp.get('/image/')
def index():
    """300 with the versions document."""
    return document(), 300


@bp.get('/image/versions')
def versions():
    """200 with the versions document."""
    return document()
