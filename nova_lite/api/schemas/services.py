"""Bodies of ``PUT /v2.1/os-services/{enable,disable,disable-log-reason,
force-down}`` (compute API reference, "Compute services (os-services)",
in the form before microversion 2.53: the service is named by ``host``
and ``binary``) and of ``PUT /v2.1/os-services/{service_uuid}`` (from
2.53: ``status``, ``disabled_reason``, ``forced_down``)."""
from nova_lite.api import schemas

_host_binary = {
    'host': schemas.name,
    'binary': schemas.name,
}


def _body(extra=None, required=()):
    properties = dict(_host_binary, **(extra or {}))
    return {
        'type': 'object',
        'properties': properties,
        'required': ['host', 'binary'] + list(required),
        'additionalProperties': False,
    }


enable = _body()
disable = _body()
disable_log_reason = _body(
    {'disabled_reason': {'type': 'string', 'minLength': 1,
                         'maxLength': 255,
                         'pattern': schemas.NAME_PATTERN}},
    ['disabled_reason'])
force_down = _body({'forced_down': schemas.boolean}, ['forced_down'])

#: PUT /os-services/{service_uuid} (2.53); the handler checks that
#: something is asked and that a reason comes with status "disabled".
update = {
    'type': 'object',
    'properties': {
        'status': {'type': 'string', 'enum': ['enabled', 'disabled']},
        'disabled_reason': {'type': 'string', 'minLength': 1,
                            'maxLength': 255,
                            'pattern': schemas.NAME_PATTERN},
        'forced_down': schemas.boolean,
    },
    'additionalProperties': False,
}
