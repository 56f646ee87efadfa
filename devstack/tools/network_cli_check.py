#!/usr/bin/env python3
"""Project networks, security groups and floating IPs through the
unmodified ``openstack`` CLI, step by step, with SSH into the guests.

    network_cli_check.py [--image tiny] [--flavor 84] [--key-name K]
                         [--public-network public] [--public-netns NS]
                         [--ssh-key FILE] [--steps a,b,...] [--no-guest]

Credentials come from the ``OS_*`` environment (``source devstack/openrc
demo demo``); the second project's from ``ALT_OS_USERNAME``,
``ALT_OS_PROJECT_NAME`` and ``ALT_OS_PASSWORD`` (default: alt_demo,
alt_demo and ``OS_PASSWORD``). ``openstack`` is taken from
``$OPENSTACK`` or the PATH. Each step prints ``PASS`` or ``FAIL`` with
its number, seconds and what it saw; the last line is ``N passed, N
failed``; the exit status is 0 only when every step passed.

The steps (Networking API reference; doc/networking.md, "Lab check"):

1. ``network create``: a project network, ACTIVE, of the caller's project;
2. ``subnet create --subnet-range 10.77.0.0/24``: gateway 10.77.0.1;
3. ``router create``, ``router set --external-gateway public``,
   ``router add subnet``: the subnet reaches the external network (what a
   floating IP needs);
4. ``server create --network <new> --wait``: ACTIVE with an address of
   the subnet;
5. ``port list --server``: one port, on the new network, holding that
   address;
6. ``security group create`` (no ingress rule), ``server add security
   group`` and ``server remove security group <server> default`` (the
   lab's default group allows SSH): the port is in the new group only;
7. ``floating ip create public`` and ``server add floating ip``: the
   floating IP is ACTIVE on the server's port and fixed address;
8. (guest) the guest is up (``NOVA_LITE_SSH_UP`` on its console) and SSH
   from the public namespace to the floating IP fails;
9. ``security group rule create --protocol tcp --dst-port 22``;
10. (guest) SSH from the public namespace to the floating IP works and
    the guest reports its fixed address;
11. as the second project: its own network (10.78.0.0/24) and a server
    on it, in a group open to ICMP and SSH from anywhere;
12. (guest) from inside the first guest (SSH, busybox): its gateway
    answers ping; the second guest's address answers neither ping nor a
    TCP connection to port 22.

``--no-guest`` (a fake-driver stack) leaves out steps 8, 10 and 12 (the
others keep their numbers).
"""
import argparse
import json
import re
import sys
import time

from cli_check import CliCheck, StepFailed, main as run_main

STEPS = ('network_create', 'subnet_create', 'router', 'server_create',
         'port_list', 'security_group_create', 'floating_ip',
         'ssh_before_rule', 'rule_create', 'ssh_after_rule',
         'alt_project_server', 'isolation')
GUEST_STEPS = ('ssh_before_rule', 'ssh_after_rule', 'isolation')
CIDR, GATEWAY = '10.77.0.0/24', '10.77.0.1'
ALT_CIDR = '10.78.0.0/24'


def fixed_ips(port):
    """The IP addresses of a ``port list``/``port show`` row."""
    ips = port.get('Fixed IP Addresses') or port.get('fixed_ips') or []
    if isinstance(ips, str):      # older clients print text
        return re.findall(r"ip_address='([\d.]+)'", ips)
    return [ip['ip_address'] for ip in ips]


class NetworkCheck(CliCheck):
    """One project's network, router, server, group and floating IP, and
    a second project's network and server."""

    STEPS = STEPS

    def __init__(self, args):
        super().__init__(args)
        self.suffix = '%x' % int(time.time())
        self.ids = {}
        self.ssh_netns = args.public_netns

    # -- steps ---------------------------------------------------------------

    def step_network_create(self):
        net = self.cli('network', 'create', 'netcheck-net-' + self.suffix)
        self.made('network', net['id'])
        self.ids['network'] = net['id']
        if net.get('status') != 'ACTIVE' or net.get('router:external'):
            raise StepFailed('network %s: status %s, external %s' % (
                net['id'], net.get('status'), net.get('router:external')))
        return 'network %s ACTIVE, project %s' % (net['id'],
                                                  net.get('project_id'))

    def step_subnet_create(self):
        sub = self.cli('subnet', 'create', '--network', self.ids['network'],
                       '--subnet-range', CIDR,
                       'netcheck-subnet-' + self.suffix)
        self.made('subnet', sub['id'])
        self.ids['subnet'] = sub['id']
        if sub['cidr'] != CIDR or sub['gateway_ip'] != GATEWAY:
            raise StepFailed('subnet %s: %s gateway %s' % (
                sub['id'], sub['cidr'], sub['gateway_ip']))
        return 'subnet %s %s gateway %s' % (sub['id'], CIDR, GATEWAY)

    def step_router(self):
        router = self.cli('router', 'create', 'netcheck-router-'
                          + self.suffix)
        self.made('router', router['id'])
        self.cli('router', 'set', '--external-gateway',
                 self.args.public_network, router['id'], parse=False)
        self.cli('router', 'add', 'subnet', router['id'],
                 self.ids['subnet'], parse=False)
        self.cleanup.append((False, ('router', 'remove', 'subnet',
                                     router['id'], self.ids['subnet'])))
        router = self.cli('router', 'show', router['id'])
        gateway = router.get('external_gateway_info') or {}
        if not gateway.get('network_id'):
            raise StepFailed('router %s has no gateway: %s' % (
                router['id'], gateway))
        return 'router %s, gateway %s' % (
            router['id'], [ip['ip_address'] for ip in
                           gateway.get('external_fixed_ips', [])])

    def boot(self, name, network, alt=False, *extra):
        body = self.cli('server', 'create', '--image', self.args.image,
                        '--flavor', self.args.flavor, '--network', network,
                        *extra, '--wait', name, alt=alt)
        self.made('server', body['id'], alt, '--wait')
        if body['status'] != 'ACTIVE':
            raise StepFailed('%s is %s: %s' % (name, body['status'],
                                               body.get('fault')))
        return body

    def step_server_create(self):
        body = self.boot('netcheck-a-' + self.suffix, self.ids['network'],
                         False, '--key-name', self.args.key_name)
        self.ids['server'] = body['id']
        addresses = json.dumps(body.get('addresses'))
        found = re.findall(r'10\.77\.0\.\d+', addresses)
        if not found:
            raise StepFailed('server %s: no address of %s: %s' % (
                body['id'], CIDR, addresses))
        self.ids['fixed_ip'] = found[0]
        return 'server %s ACTIVE at %s' % (body['id'], found[0])

    def step_port_list(self):
        ports = self.cli('port', 'list', '--server', self.ids['server'])
        if len(ports) != 1:
            raise StepFailed('%d ports: %s' % (len(ports), ports))
        port = self.cli('port', 'show', ports[0]['ID'])
        if port['network_id'] != self.ids['network'] or \
                fixed_ips(port) != [self.ids['fixed_ip']]:
            raise StepFailed('port %s: network %s, %s' % (
                port['id'], port['network_id'], fixed_ips(port)))
        self.ids['port'] = port['id']
        return 'port %s on %s, %s, device_owner %s' % (
            port['id'], port['network_id'], fixed_ips(port),
            port.get('device_owner'))

    def step_security_group_create(self):
        group = self.cli('security', 'group', 'create',
                         'netcheck-ssh-' + self.suffix)
        self.made('security group', group['id'])
        self.ids['group'] = group['id']
        self.cli('server', 'add', 'security', 'group', self.ids['server'],
                 group['id'], parse=False)
        # Only the new group: the lab's default group allows SSH.
        self.cli('server', 'remove', 'security', 'group', self.ids['server'],
                 'default', parse=False)
        port = self.cli('port', 'show', self.ids['port'])
        groups = port.get('security_group_ids') or []
        if groups != [group['id']]:
            raise StepFailed('port %s groups %s' % (port['id'], groups))
        ingress = [r for r in group.get('rules', [])
                   if r.get('direction') == 'ingress']
        return 'group %s (%d ingress rules); port groups %s' % (
            group['id'], len(ingress), groups)

    def step_floating_ip(self):
        fip = self.cli('floating', 'ip', 'create', self.args.public_network)
        self.made('floating ip', fip['id'])
        address = fip['floating_ip_address']
        self.cli('server', 'add', 'floating', 'ip', self.ids['server'],
                 address, parse=False)
        fip = self.cli('floating', 'ip', 'show', fip['id'])
        if fip['port_id'] != self.ids['port'] or \
                fip['fixed_ip_address'] != self.ids['fixed_ip'] or \
                fip['status'] != 'ACTIVE':
            raise StepFailed('floating ip %s: port %s fixed %s status %s' % (
                address, fip['port_id'], fip['fixed_ip_address'],
                fip['status']))
        self.ids['floating_ip'] = address
        return '%s -> %s (port %s, router %s)' % (
            address, fip['fixed_ip_address'], fip['port_id'],
            fip.get('router_id'))

    def step_ssh_before_rule(self):
        up = self.wait_console(self.ids['server'], 'NOVA_LITE_SSH_UP')
        for _attempt in range(2):
            result = self.ssh(self.ids['floating_ip'], 'hostname')
            if result.returncode == 0:
                raise StepFailed('ssh worked without a rule: %s' %
                                 result.stdout.strip())
        return 'guest says %r; ssh root@%s: exit %d (%s)' % (
            up, self.ids['floating_ip'], result.returncode,
            result.stderr.strip()[-120:])

    def step_rule_create(self):
        rule = self.cli('security', 'group', 'rule', 'create', '--protocol',
                        'tcp', '--dst-port', '22', '--ingress',
                        self.ids['group'])
        if rule.get('port_range_min') != 22 or \
                rule.get('port_range_max') != 22:
            raise StepFailed('rule %s' % rule)
        return 'rule %s: ingress tcp 22 from %s' % (
            rule['id'], rule.get('remote_ip_prefix'))

    def step_ssh_after_rule(self):
        result = self.ssh_until(self.ids['floating_ip'],
                                'hostname; ip -4 -o addr show eth0')
        if self.ids['fixed_ip'] + '/' not in result.stdout:
            raise StepFailed('the guest says %r' % result.stdout)
        return 'ssh root@%s: %s' % (self.ids['floating_ip'],
                                    ' '.join(result.stdout.split()[:5]))

    def step_alt_project_server(self):
        net = self.cli('network', 'create', 'netcheck-alt-' + self.suffix,
                       alt=True)
        self.made('network', net['id'], True)
        sub = self.cli('subnet', 'create', '--network', net['id'],
                       '--subnet-range', ALT_CIDR,
                       'netcheck-alt-subnet-' + self.suffix, alt=True)
        self.made('subnet', sub['id'], True)
        group = self.cli('security', 'group', 'create',
                         'netcheck-open-' + self.suffix, alt=True)
        self.made('security group', group['id'], True)
        for rule in (('--protocol', 'icmp'),
                     ('--protocol', 'tcp', '--dst-port', '22')):
            self.cli('security', 'group', 'rule', 'create', *rule,
                     group['id'], alt=True)
        body = self.boot('netcheck-b-' + self.suffix, net['id'], True,
                         '--security-group', group['id'])
        found = re.findall(r'10\.78\.0\.\d+', json.dumps(body['addresses']))
        if not found or net['project_id'] == self.project_of_network():
            raise StepFailed('server %s: %s (project %s)' % (
                body['id'], body['addresses'], net['project_id']))
        self.ids['alt_server'] = body['id']
        self.ids['alt_ip'] = found[0]
        return 'project %s: server %s at %s, group open to icmp and tcp 22' % (
            net['project_id'], body['id'], found[0])

    def project_of_network(self):
        return self.cli('network', 'show', self.ids['network'])['project_id']

    def step_isolation(self):
        self.wait_console(self.ids['alt_server'], 'NOVA_LITE_NET_UP',
                          alt=True)
        probe = ('ping -c 1 -W 3 {gw} >/dev/null 2>&1 && echo GW_PING_OK; '
                 'ping -c 2 -W 3 {b} >/dev/null 2>&1 && echo B_PING_OK; '
                 'nc -w 5 {b} 22 </dev/null >/dev/null 2>&1 && echo B_TCP_OK;'
                 ' echo DONE').format(gw=GATEWAY, b=self.ids['alt_ip'])
        said = self.ssh_until(self.ids['floating_ip'], probe).stdout.split()
        if 'DONE' not in said or 'GW_PING_OK' not in said:
            raise StepFailed('control failed: the guest says %s' % said)
        if 'B_PING_OK' in said or 'B_TCP_OK' in said:
            raise StepFailed('%s reached %s: %s' % (
                self.ids['fixed_ip'], self.ids['alt_ip'], said))
        return ('from %s: gateway %s answers ping; %s answers neither '
                'ping nor tcp 22' % (self.ids['fixed_ip'], GATEWAY,
                                     self.ids['alt_ip']))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--image', default='tiny')
    parser.add_argument('--flavor', default='84',
                        help='flavor to boot (84: m1.micro, 192 MiB)')
    parser.add_argument('--key-name', default='demo-key')
    parser.add_argument('--public-network', default='public',
                        help='the external network of floating IPs')
    parser.add_argument('--public-netns', default='nova-lite-pub',
                        help='namespace on the external network, where '
                        'SSH to floating IPs runs from')
    parser.add_argument('--ssh-key', help='private key of --key-name')
    parser.add_argument('--steps', help='comma-separated, of: '
                        + ', '.join(STEPS))
    parser.add_argument('--no-guest', action='store_true',
                        help='no SSH steps (a fake-driver stack)')
    args = parser.parse_args(argv)
    if args.steps:
        args.steps = [s for s in args.steps.split(',') if s]
    else:
        args.steps = [s for s in STEPS
                      if not (args.no_guest and s in GUEST_STEPS)]
    unknown = set(args.steps) - set(STEPS)
    if unknown:
        parser.error('unknown steps: %s' % ', '.join(sorted(unknown)))
    if not args.no_guest and not args.ssh_key:
        parser.error('--ssh-key is needed for the guest steps')
    return args


def main(argv=None):
    args = parse_args(argv)
    return run_main(NetworkCheck(args), args.steps)


if __name__ == '__main__':
    sys.exit(main())
