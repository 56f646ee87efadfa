"""Remote console options: ``[vnc]`` (the guests' VNC servers and the
noVNC URL), ``[serial_console]``, ``[consoleauth]`` (token lifetime) and
``[console_proxy]`` (``nova-lite-novncproxy``). See doc/consoles.md."""
from oslo_config import cfg

vnc_group = cfg.OptGroup('vnc', title='VNC console options')
serial_group = cfg.OptGroup('serial_console', title='Serial console options')
consoleauth_group = cfg.OptGroup('consoleauth',
                                 title='Console token options')
proxy_group = cfg.OptGroup('console_proxy',
                           title='Console proxy (nova-lite-novncproxy)')

vnc_opts = [
    cfg.BoolOpt('enabled', default=True,
                help='Give libvirt guests a VNC server (their screen) and '
                     'answer noVNC console requests.'),
    cfg.StrOpt('server_listen', default='',
               help='Where a guest\'s VNC server listens. Empty (the '
                    'default): a Unix socket, vnc.sock in the instance '
                    'directory; a file path crosses network namespaces, '
                    'so a proxy on the same machine reaches a QEMU run '
                    'by a libvirtd in a guest network namespace. An IP '
                    'address: TCP on that address, port chosen by '
                    'libvirt (5900 and up), for computes on other '
                    'machines than the proxy.'),
    cfg.HostAddressOpt('server_proxyclient_address', default='127.0.0.1',
                       help='Address of this compute the console proxy '
                            'connects to for a TCP VNC server '
                            '(``server_listen`` set).'),
    cfg.URIOpt('novncproxy_base_url',
               default='http://127.0.0.1:6080/vnc_lite.html',
               help='Page of noVNC the console URL points at; '
                    '"?path=%3Ftoken%3D<token>" is appended. Must be '
                    'reachable by the users\' browsers.'),
]

serial_opts = [
    cfg.BoolOpt('enabled', default=True,
                help='Give libvirt guests an interactive serial console '
                     '(serial port 0 on a Unix socket, serial.sock in the '
                     'instance directory; its output is still appended '
                     'to console.log) and answer serial console '
                     'requests.'),
    cfg.URIOpt('base_url', default='ws://127.0.0.1:6080/',
               help='WebSocket URL of the serial console; "?token=<token>" '
                    'is appended. The same proxy serves noVNC and the '
                    'serial console.'),
]

consoleauth_opts = [
    cfg.IntOpt('token_ttl', default=600, min=1,
               help='Seconds a console token may be used to connect '
                    'after it is issued (a connection made in time stays '
                    'open).'),
]

proxy_opts = [
    cfg.HostAddressOpt('listen', default='127.0.0.1',
                       help='Address nova-lite-novncproxy listens on.'),
    cfg.PortOpt('port', default=6080,
                help='Port of nova-lite-novncproxy (6080, as Nova\'s '
                     'nova-novncproxy).'),
    cfg.StrOpt('web', default='/usr/share/novnc',
               help='Directory of noVNC\'s files the proxy serves over '
                    'HTTP (Debian package novnc).'),
    cfg.ListOpt('allowed_origins', default=[],
                help='Host names a WebSocket\'s Origin header may name '
                     'besides the proxy\'s own Host (browsers send it; '
                     'other origins are refused, against cross-site '
                     'WebSocket hijacking).'),
    cfg.IntOpt('max_connections', default=64, min=1,
               help='Most console connections open at once; more are '
                    'refused.'),
]


def register_opts(conf):
    for group, opts in list_opts().items():
        conf.register_group(group)
        conf.register_opts(opts, group=group)


def list_opts():
    return {vnc_group: vnc_opts, serial_group: serial_opts,
            consoleauth_group: consoleauth_opts, proxy_group: proxy_opts}
