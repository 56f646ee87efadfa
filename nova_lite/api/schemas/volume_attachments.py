"""Bodies of the volume attachments API (compute API reference,
"Servers with volume attachments", "Attach a volume to an instance"):
``{"volumeAttachment": {"volumeId", "device"?}}``; ``tag`` from 2.49
(as a NIC's device tag), ``delete_on_termination`` from 2.79.
Update (PUT) ``{"volumeAttachment": {"volumeId"}}``, and from 2.85
``device``, ``tag``, ``delete_on_termination``, ``serverId``, ``id``.
``device`` is a device path such as ``/dev/vdb`` (Nova's pattern:
``/dev/`` and a name of letters and digits), or null (the hypervisor
picks the next free one)."""
from nova_lite.api import schemas
from nova_lite.api.schemas import server_tags

DEVICE = {'type': ['string', 'null'], 'maxLength': 255,
          'pattern': '^(/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$'}

_create_2_1 = {
    'type': 'object',
    'properties': {
        'volumeAttachment': {
            'type': 'object',
            'properties': {
                'volumeId': schemas.uuid_string,
                'device': DEVICE,
            },
            'required': ['volumeId'],
            'additionalProperties': False,
        },
    },
    'required': ['volumeAttachment'],
    'additionalProperties': False,
}

_create_2_49 = schemas.extend(_create_2_1, ('volumeAttachment',),
                              tag=server_tags.TAG)

create = schemas.Versioned(
    ('2.1', '2.48', _create_2_1),
    ('2.49', '2.78', _create_2_49),
    ('2.79', None, schemas.extend(_create_2_49, ('volumeAttachment',),
                                  delete_on_termination={
                                      'type': 'boolean'})),
)

_update_2_1 = {
    'type': 'object',
    'properties': {
        'volumeAttachment': {
            'type': 'object',
            'properties': {'volumeId': schemas.uuid_string},
            'required': ['volumeId'],
            'additionalProperties': False,
        },
    },
    'required': ['volumeAttachment'],
    'additionalProperties': False,
}

#: 2.85: the other attachment fields may be given (only
#: ``delete_on_termination`` may change; the others must keep their
#: values).
update = schemas.Versioned(
    ('2.1', '2.84', _update_2_1),
    ('2.85', None, schemas.extend(
        _update_2_1, ('volumeAttachment',), device=DEVICE,
        tag=server_tags.TAG, delete_on_termination={'type': 'boolean'},
        serverId=schemas.uuid_string, id=schemas.uuid_string)),
)
