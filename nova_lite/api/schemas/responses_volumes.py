"""Response schemas of the compute API's volume proxies (compute API
reference, "Volume extension (os-volumes, os-snapshots) (DEPRECATED)",
2.1-2.35); part of ``responses.RESPONSES``."""
from nova_lite.api.schemas import response_base as base

_ATTACHMENT = base.object_schema(
    {'id': base.STRING, 'volumeId': base.STRING, 'serverId': base.STRING,
     'device': base.STRING}, required=[])


def volume(version):
    """One volume: ``attachments`` holds one attachment, or one empty
    object when the volume is not attached."""
    return base.object_schema({
        'id': base.STRING, 'status': base.STRING,
        'size': {'type': 'integer'},
        'availabilityZone': base.NULLABLE_STRING,
        'createdAt': base.NULLABLE_STRING,
        'displayName': base.NULLABLE_STRING,
        'displayDescription': base.NULLABLE_STRING,
        'volumeType': base.NULLABLE_STRING,
        'snapshotId': base.NULLABLE_STRING,
        'metadata': {'type': 'object',
                     'additionalProperties': base.STRING},
        'attachments': {'type': 'array', 'items': _ATTACHMENT,
                        'minItems': 1, 'maxItems': 1}})


def snapshot(version):
    """One snapshot (``size``: its volume's GiB)."""
    return base.object_schema({
        'id': base.STRING, 'volumeId': base.STRING, 'status': base.STRING,
        'size': {'type': 'integer'}, 'createdAt': base.NULLABLE_STRING,
        'displayName': base.NULLABLE_STRING,
        'displayDescription': base.NULLABLE_STRING})


def _many(key, item):
    return lambda v: base.wrap(key, {'type': 'array', 'items': item(v)})


def _one(key, item):
    return lambda v: base.wrap(key, item(v))


_V = '/v2.1/os-volumes'
_S = '/v2.1/os-snapshots'
_LAST = '2.35'

RESPONSES = {
    ('GET', _V): [('2.1', _LAST, 200, _many('volumes', volume))],
    ('GET', _V + '/detail'): [('2.1', _LAST, 200, _many('volumes', volume))],
    ('GET', _V + '/<volume_id>'): [('2.1', _LAST, 200,
                                    _one('volume', volume))],
    ('POST', _V): [('2.1', _LAST, 200, _one('volume', volume))],
    ('DELETE', _V + '/<volume_id>'): [('2.1', _LAST, 202, None)],
    ('GET', _S): [('2.1', _LAST, 200, _many('snapshots', snapshot))],
    ('GET', _S + '/detail'): [('2.1', _LAST, 200,
                               _many('snapshots', snapshot))],
    ('GET', _S + '/<snapshot_id>'): [('2.1', _LAST, 200,
                                      _one('snapshot', snapshot))],
    ('POST', _S): [('2.1', _LAST, 200, _one('snapshot', snapshot))],
    ('DELETE', _S + '/<snapshot_id>'): [('2.1', _LAST, 202, None)],
}
