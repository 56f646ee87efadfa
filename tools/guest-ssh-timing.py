#!/usr/bin/env python3
"""How long until a new server answers SSH, against the running lab.

For each server it records, from the moment ``POST /servers`` returns:

* ``active``: the compute API shows it ACTIVE;
* ``lease``:  dnsmasq's lease file of the guest network
  (``STATE_DIR/guestnet/<host>/dnsmasq.leases``) lists its MAC and
  address (the DHCPACK);
* ``ssh``:    ``ssh -i <demo key> root@<address> true``, run inside the
  guest network namespace, first exits 0 (tried every 0.5 s).

It boots ``--runs`` rounds of one server, then ``--runs`` rounds of
``--batch`` servers created at once (separate requests, back to back),
deletes each round's servers before the next, and prints every server's
figures and p50/p95 per phase (nearest rank) for each mode.

Needs the lab of ``./devstack/stack.sh`` with libvirt and its guest
network (``LAB_GUEST_NETNS`` in ``STATE_DIR/lab.env``) and the demo's key
pair (``DEMO_KEY``, private key ``STATE_DIR/demo-key``); runs as root
(``ip netns exec``). Talks to the lab's Keystone and compute API as
``demo`` (password ``ADMIN_PASSWORD``, default ``secret``).

    sudo tools/guest-ssh-timing.py [--state-dir .lab] [--runs 3] [--batch 4]
        [--auth-url http://127.0.0.1:5000/v3] [--flavor 84]
"""
import argparse
import math
import os
import shlex
import subprocess
import sys
import threading
import time

import requests

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHASES = ('active', 'lease', 'ssh')
# Seconds a server may take to answer SSH before the run is abandoned.
SSH_DEADLINE = 600


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--state-dir', default=os.path.join(REPO, '.lab'))
    parser.add_argument('--runs', type=int, default=3,
                        help='rounds of each mode (default 3)')
    parser.add_argument('--batch', type=int, default=4,
                        help='servers created at once (default 4)')
    parser.add_argument('--flavor', default='84', help='flavor id '
                        '(default 84, m1.micro: 192 MiB)')
    parser.add_argument('--image', default='tiny')
    parser.add_argument('--password',
                        default=os.environ.get('ADMIN_PASSWORD', 'secret'))
    parser.add_argument('--auth-url', default='http://127.0.0.1:%s/v3' % (
        os.environ.get('KEYSTONE_PORT', '5000')), help='Keystone '
        '(default: port $KEYSTONE_PORT or 5000 on 127.0.0.1)')
    parser.add_argument('--key-name',
                        default=os.environ.get('DEMO_KEY', 'demo-key'),
                        help="the demo's key pair (default $DEMO_KEY or "
                        'demo-key; private key STATE_DIR/demo-key)')
    return parser.parse_args(argv)


def lab_env(state_dir):
    """KEY=VALUE lines of ``STATE_DIR/lab.env`` as a dict.

    :raises: SystemExit when the lab has no guest network
    """
    env = {}
    with open(os.path.join(state_dir, 'lab.env')) as f:
        for line in f:
            key, sep, value = line.strip().partition('=')
            if sep and not key.startswith('#'):
                env[key] = ' '.join(shlex.split(value))
    if not env.get('LAB_GUEST_NETNS'):
        sys.exit('the lab has no guest network (LAB_GUEST_NETNS unset)')
    return env


class Lab:
    """The lab's compute API as demo, its guest network and demo key."""

    def __init__(self, args):
        env = lab_env(args.state_dir)
        self.netns = env['LAB_GUEST_NETNS']
        # LAB_LIBVIRT_URI names <guest network dir>/libvirt/run/libvirt-sock
        sock = env['LAB_LIBVIRT_URI'].split('socket=', 1)[1]
        self.leases = os.path.join(os.path.dirname(os.path.dirname(
            os.path.dirname(sock))), 'dnsmasq.leases')
        if not os.path.exists(self.leases):
            sys.exit('no dnsmasq lease file %s' % self.leases)
        self.key = os.path.join(args.state_dir, 'demo-key')
        self.key_name = args.key_name
        self.args = args
        self.token, self.compute = self._login(args.auth_url)
        self.http = requests.Session()
        self.http.headers['X-Auth-Token'] = self.token

    def _login(self, auth_url):
        """A demo token and the catalog's public compute URL."""
        body = {'auth': {'identity': {'methods': ['password'], 'password': {
            'user': {'name': 'demo', 'domain': {'id': 'default'},
                     'password': self.args.password}}},
            'scope': {'project': {'name': 'demo',
                                  'domain': {'id': 'default'}}}}}
        resp = requests.post(auth_url.rstrip('/') + '/auth/tokens',
                             json=body, timeout=30)
        resp.raise_for_status()
        for service in resp.json()['token']['catalog']:
            if service['type'] == 'compute':
                url = next(e['url'] for e in service['endpoints']
                           if e['interface'] == 'public')
                return resp.headers['X-Subject-Token'], url.rstrip('/')
        sys.exit('no compute endpoint in the catalog')

    def call(self, method, path, **kwargs):
        resp = self.http.request(method, self.compute + path, timeout=60,
                                 **kwargs)
        if resp.status_code >= 400:
            raise RuntimeError('%s %s: %s %s' % (method, path,
                                                 resp.status_code, resp.text))
        return resp.json() if resp.content else None

    def image_id(self):
        images = self.call('GET', '/images')['images']
        return next(i['id'] for i in images if i['name'] == self.args.image)

    def leased(self):
        """{mac: address} of dnsmasq's current leases."""
        try:
            with open(self.leases) as f:
                return {cols[1]: cols[2] for cols in
                        (line.split() for line in f) if len(cols) >= 3}
        except FileNotFoundError:
            return {}

    def ssh_ok(self, address):
        argv = ['ip', 'netns', 'exec', self.netns, 'ssh', '-i', self.key,
                '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no',
                '-o', 'UserKnownHostsFile=/dev/null', '-o',
                'ConnectTimeout=5', '-o', 'LogLevel=ERROR',
                'root@' + address, 'true']
        return subprocess.run(argv, capture_output=True,
                              timeout=60).returncode == 0


class Server(threading.Thread):
    """Creates one server and records when each phase was reached."""

    def __init__(self, lab, name, image):
        super().__init__(name=name)
        self.lab, self.image = lab, image
        self.times, self.error, self.id = {}, None, None

    def run(self):
        try:
            self._run()
        except (RuntimeError, OSError, KeyError, requests.RequestException,
                subprocess.SubprocessError) as exc:  # in the table
            self.error = '%s: %s' % (type(exc).__name__, exc)

    def _run(self):
        body = {'server': {'name': self.name, 'imageRef': self.image,
                           'flavorRef': self.lab.args.flavor,
                           'key_name': self.lab.key_name,
                           'networks': 'auto'}}
        start = time.monotonic()
        self.id = self.lab.call('POST', '/servers', json=body,
                                headers={'OpenStack-API-Version':
                                         'compute 2.37'})['server']['id']
        mac, address = self._until(start, 'active', 0.5,
                                   self._poll_active)
        self._until(start, 'lease', 0.2,
                    lambda: self.lab.leased().get(mac) == address)
        self._until(start, 'ssh', 0.5, lambda: self.lab.ssh_ok(address))

    def _until(self, start, phase, interval, predicate):
        """Call ``predicate`` every ``interval`` s until it returns a
        truthy value; record the seconds since ``start`` as ``phase``
        and return the value.

        :raises: RuntimeError SSH_DEADLINE s after ``start``
        """
        while True:
            value = predicate()
            if value:
                self.times[phase] = time.monotonic() - start
                return value
            if time.monotonic() - start > SSH_DEADLINE:
                raise RuntimeError('no %s after %d s' % (phase,
                                                         SSH_DEADLINE))
            time.sleep(interval)

    def _poll_active(self):
        server = self.lab.call('GET', '/servers/%s' % self.id)['server']
        if server['status'] == 'ERROR':
            raise RuntimeError('ERROR: %s' % server.get('fault'))
        nics = [n for nets in server['addresses'].values() for n in nets]
        if server['status'] != 'ACTIVE' or not nics:
            return None
        return nics[0]['OS-EXT-IPS-MAC:mac_addr'], nics[0]['addr']


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list."""
    ranked = sorted(values)
    return ranked[max(0, math.ceil(fraction * len(ranked)) - 1)]


def round_of(lab, image, count, tag):
    servers = [Server(lab, 'timing-%s-%d' % (tag, i + 1), image)
               for i in range(count)]
    for server in servers:
        server.start()
    for server in servers:
        server.join()
    for server in servers:
        if server.id:
            lab.call('DELETE', '/servers/%s' % server.id)
    for server in servers:
        while server.id:
            try:
                lab.call('GET', '/servers/%s' % server.id)
            except RuntimeError:
                break
            time.sleep(1)
    return servers


def report(mode, servers):
    print('\n%s' % mode)
    print('  %-18s %8s %8s %8s' % (('server',) + PHASES))
    for server in servers:
        if server.error:
            print('  %-18s %s' % (server.name, server.error))
        else:
            print('  %-18s %8.1f %8.1f %8.1f' % ((server.name,) + tuple(
                server.times[p] for p in PHASES)))
    done = [s for s in servers if not s.error]
    if done:
        for name, fraction in (('p50', 0.5), ('p95', 0.95)):
            print('  %-18s %8.1f %8.1f %8.1f' % ((name,) + tuple(
                percentile([s.times[p] for s in done], fraction)
                for p in PHASES)))
    print('  (seconds from the create request; %d of %d servers reached '
          'SSH)' % (len(done), len(servers)))


def main(argv=None):
    args = parse_args(argv)
    lab = Lab(args)
    image = lab.image_id()
    load = os.getloadavg()
    print('guest-ssh-timing: flavor %s, image %s, %d round(s) each; load '
          'average %.2f %.2f %.2f; %d CPUs' % (
              args.flavor, args.image, args.runs, load[0], load[1], load[2],
              os.cpu_count()))
    single, batch = [], []
    for run in range(args.runs):
        single += round_of(lab, image, 1, 'one-r%d' % (run + 1))
    for run in range(args.runs):
        batch += round_of(lab, image, args.batch,
                          '%d-r%d' % (args.batch, run + 1))
    report('one server at a time', single)
    report('%d servers at once' % args.batch, batch)
    return 0 if all(not s.error for s in single + batch) else 1


if __name__ == '__main__':
    sys.exit(main())
