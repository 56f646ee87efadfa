"""Response schemas of the port interfaces API (compute API reference,
"Port interfaces (servers, os-interface)"): an interface's
``port_id``, ``net_id``, ``mac_addr``, ``port_state`` and ``fixed_ips``,
and ``tag`` from 2.70; and of the volume attachments API ("Servers
with volume attachments"); part of ``responses.RESPONSES``."""
from nova_lite.api.schemas import response_base as base

_ADDRESS = base.object_schema({'subnet_id': base.NULLABLE_STRING,
                               'ip_address': base.STRING})


def interface(version):
    """One interfaceAttachment."""
    properties = {
        'port_id': base.STRING, 'net_id': base.STRING,
        'mac_addr': base.STRING, 'port_state': base.STRING,
        'fixed_ips': {'type': 'array', 'items': _ADDRESS},
    }
    if base.at_least(version, '2.70'):
        properties['tag'] = base.NULLABLE_STRING
    return base.object_schema(properties)


def _list(version):
    return base.wrap('interfaceAttachments',
                     {'type': 'array', 'items': interface(version)})


def _show(version):
    return base.wrap('interfaceAttachment', interface(version))


_PATH = '/v2.1/servers/<server_id>/os-interface'

RESPONSES = {
    ('GET', _PATH): [('2.1', None, 200, _list)],
    ('GET', _PATH + '/<port_id>'): [('2.1', None, 200, _show)],
    ('POST', _PATH): [('2.1', None, 200, _show)],
    ('DELETE', _PATH + '/<port_id>'): [('2.1', None, 202, None)],
}


def volume_attachment(version, created=False):
    """One volumeAttachment (``created``: the attach answer)."""
    properties = {'serverId': base.STRING, 'volumeId': base.STRING,
                  'device': base.NULLABLE_STRING}
    if created or not base.at_least(version, '2.89'):
        properties['id'] = base.STRING
    if base.at_least(version, '2.70'):
        properties['tag'] = base.NULLABLE_STRING
    if base.at_least(version, '2.79'):
        properties['delete_on_termination'] = {'type': 'boolean'}
    if not created and base.at_least(version, '2.89'):
        properties['attachment_id'] = base.STRING
        properties['bdm_uuid'] = base.NULLABLE_STRING
    return base.object_schema(properties)


def _volume_list(version):
    return base.wrap('volumeAttachments',
                     {'type': 'array', 'items': volume_attachment(version)})


def _volume_show(version):
    return base.wrap('volumeAttachment', volume_attachment(version))


def _volume_created(version):
    return base.wrap('volumeAttachment', volume_attachment(version, True))


_VOLUMES = '/v2.1/servers/<server_id>/os-volume_attachments'

RESPONSES.update({
    ('GET', _VOLUMES): [('2.1', None, 200, _volume_list)],
    ('GET', _VOLUMES + '/<volume_id>'): [('2.1', None, 200, _volume_show)],
    ('POST', _VOLUMES): [('2.1', '2.100', 200, _volume_created),
                         ('2.101', None, 202, _volume_created)],
    ('DELETE', _VOLUMES + '/<volume_id>'): [('2.1', None, 202, None)],
    ('PUT', _VOLUMES + '/<volume_id>'): [('2.1', None, 202, None)],
})
