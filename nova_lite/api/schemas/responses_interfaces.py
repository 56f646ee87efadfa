"""Response schemas of the port interfaces API (compute API reference,
"Port interfaces (servers, os-interface)"): an interface's
``port_id``, ``net_id``, ``mac_addr``, ``port_state`` and ``fixed_ips``,
and ``tag`` from 2.70; part of ``responses.RESPONSES``."""
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
