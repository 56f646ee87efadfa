"""[network] options: the flat network instances are attached to."""
from oslo_config import cfg

network_group = cfg.OptGroup('network', title='Flat network options')

network_opts = [
    cfg.StrOpt('label', default='private',
               help='Name of the flat network.'),
    cfg.StrOpt('fixed_range', default='10.254.0.0/20',
               help='CIDR of the flat network; every usable address but '
                    'the gateway is handed out to instances.'),
    cfg.StrOpt('gateway',
               help='Gateway address; the first usable address when '
                    'unset.'),
    cfg.StrOpt('bridge', default='br-nova-lite',
               help='Host bridge guests\' NICs are plugged into.'),
    cfg.ListOpt('dns_nameservers', default=[],
                help='DNS servers guests are told about (the "dns" '
                     'services of network_data.json in the metadata).'),
    cfg.StrOpt('guest_netns',
               help='Network namespace the guest bridge lives in (with '
                    'its DHCP server and metadata proxy; the libvirtd of '
                    '[libvirt] connection_uri runs in it, so QEMU\'s taps '
                    'are created there). Unset: the bridge is looked up in '
                    'the compute\'s own namespace. See doc/networking.md.'),
    cfg.StrOpt('dhcp_hostsfile',
               help='dnsmasq --dhcp-hostsfile of this compute\'s guest '
                    'network: the compute writes one "mac,address,'
                    'hostname" line per NIC of its instances at build and '
                    'removes it at delete. Unset: no DHCP entries are '
                    'kept (guests fall back to the config drive\'s '
                    'network_data.json).'),
    cfg.StrOpt('dhcp_pidfile',
               help='Pid file of the dnsmasq reading dhcp_hostsfile; it '
                    'is sent SIGHUP after each change.'),
    cfg.IntOpt('quota_network', default=100, min=-1,
               help='Networks a project may create through the Networking '
                    'API (its default quota, changed per project with PUT '
                    '/network/v2.0/quotas/{project_id}); -1 for unlimited.'),
    cfg.IntOpt('quota_subnet', default=100, min=-1,
               help='Subnets a project may create (default quota); -1 for '
                    'unlimited.'),
    cfg.IntOpt('quota_port', default=500, min=-1,
               help='Ports a project may have, its servers\' NICs '
                    'included (default quota); -1 for unlimited.'),
    cfg.StrOpt('external_interface',
               help='The interface of guest_netns on the external network '
                    'of floating IPs (in the lab a veth to the "public" '
                    'namespace, with an address of its own of a prefix '
                    'shorter than /32). The compute adds the floating '
                    'addresses of its guests to it as /32 addresses and '
                    'keeps their 1:1 NAT in the nftables table '
                    'nova_lite_nat (doc/networking.md). Unset: floating '
                    'IPs are stored but reach no guest of this host.'),
    cfg.IntOpt('quota_router', default=10, min=-1,
               help='Routers a project may create (default quota, '
                    'Neutron\'s); -1 for unlimited.'),
    cfg.IntOpt('quota_floatingip', default=50, min=-1,
               help='Floating IPs a project may allocate (default quota, '
                    'Neutron\'s; the compute API\'s os-floating-ips '
                    'count too); -1 for unlimited.'),
    cfg.BoolOpt('enforce_security_groups', default=True,
                help='Enforce the security groups of this compute\'s '
                     'ports with nftables tables named nova_lite_sg in '
                     'guest_netns (the libvirt driver; the fake driver '
                     'records the rules in memory). Nothing is enforced '
                     'without guest_netns: no rules are written in the '
                     'machine\'s own namespace. See doc/network-api.md.'),
]


def register_opts(conf):
    conf.register_group(network_group)
    conf.register_opts(network_opts, group=network_group)


def list_opts():
    return {network_group: network_opts}
