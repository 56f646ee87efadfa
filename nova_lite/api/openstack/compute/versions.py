"""Version documents: ``GET /`` lists the major versions (200),
``GET /v2`` and ``GET /v2.1[/]`` describe one (compute API reference,
"API Versions").  They answer without authentication.

v2.0 is listed as SUPPORTED without microversions; v2.1 is CURRENT with
``min_version``/``version`` from ``nova_lite.api.microversion``.
``media-types`` appear in single-version documents only, as in the
reference.
"""
import flask

from nova_lite.api import microversion
from nova_lite.api import openstack

bp = flask.Blueprint('versions', __name__)

_VERSIONS = {
    'v2.0': {'id': 'v2.0', 'status': 'SUPPORTED', 'version': '',
             'min_version': '', 'updated': '2011-01-21T11:33:21Z',
             'path': 'v2/', 'media_version': '2'},
    'v2.1': {'id': 'v2.1', 'status': 'CURRENT',
             'version': str(microversion.MAX_VERSION),
             'min_version': str(microversion.MIN_VERSION),
             'updated': '2013-07-23T11:33:21Z', 'path': 'v2.1/',
             'media_version': '2.1'},
}


def _summary(info):
    """A version of the ``GET /`` list."""
    body = {k: info[k] for k in ('id', 'status', 'version', 'min_version',
                                 'updated')}
    body['links'] = [{'rel': 'self',
                      'href': openstack.base_url() + info['path']}]
    return body


def _document(info):
    """A single-version document, with ``describedby`` and media types."""
    body = _summary(info)
    body['links'].append({'rel': 'describedby', 'type': 'text/html',
                          'href': 'https://docs.openstack.org/'})
    body['media-types'] = [{
        'base': 'application/json',
        'type': 'application/vnd.openstack.compute+json;version=%s'
                % info['media_version']}]
    return body


@bp.get('/')
def index():
    """200 ``{"versions": [v2.0, v2.1]}``."""
    return {'versions': [_summary(info) for info in _VERSIONS.values()]}


@bp.get('/v2')
@bp.get('/v2/')
def show_v20():
    """200 ``{"version": <v2.0 document>}``."""
    return {'version': _document(_VERSIONS['v2.0'])}


@bp.get('/v2.1')
@bp.get('/v2.1/')
def show_v21():
    """200 ``{"version": <v2.1 document>}``."""
    return {'version': _document(_VERSIONS['v2.1'])}
