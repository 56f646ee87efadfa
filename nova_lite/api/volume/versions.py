"""Version documents of the Block Storage API: ``GET /volume/`` (300
Multiple Choices with the versions, as Cinder answers) and ``GET
/volume/v3/`` (200 with v3), no token needed."""
import flask

from nova_lite.api.volume import common

bp = flask.Blueprint('volume_versions', __name__)


def _v3():
    base = flask.request.host_url.rstrip('/') + '/volume/v3/'
    return {'id': 'v3.0', 'status': 'CURRENT',
            'version': common.fmt(common.MAX_VERSION),
            'min_version': common.fmt(common.MIN_VERSION),
            'updated': '2026-12-06T00:00:00Z',
            'links': [{'rel': 'self', 'href': base}],
            'media-types': [{'base': 'application/json', 'type':
                             'application/vnd.openstack.volume+json;'
                             'version=3'}]}


@bp.get('/volume')
def versions():
    """300 ``{"versions": [v3]}``."""
    return {'versions': [_v3()]}, 300


@bp.get('/volume/v3')
def version_v3():
    """200 ``{"versions": [v3]}`` (Cinder answers the list here too)."""
    return {'versions': [_v3()]}
