"""Issue 5 acceptance 2: the devstack lab with compute nodes in namespaces.

``devstack/stack.sh`` brings up a lab of its own (temp state dir, free
ports, its own MariaDB databases, RabbitMQ user and vhost, a private
10.99.N.0/24 bridge) with Keystone, the API, conductor and scheduler on the
controller and three ``nova-lite-compute`` (fake driver), each in its own
network namespace, reaching RabbitMQ through the lab's forwarder and no
database (their configs have no ``[database]``). The test boots six
servers and expects them on all three nodes, stops one node's compute
and expects it reported down within ``service_down_time``, then boots
more servers and expects none there.
``devstack/clean.sh`` removes the lab; namespaces and links of this test
are deleted even when that fails.

Needs root, ``ip netns``, and the machine's RabbitMQ and MariaDB; skipped
otherwise. About 2 minutes.
"""
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import time

import fixtures
import requests
import testtools
from testtools import content

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DEVSTACK = os.path.join(REPO_ROOT, 'devstack')
NODES = 3
REPORT_INTERVAL = 2      # seconds
SERVICE_DOWN_TIME = 10   # seconds
STACK_TIMEOUT = 420      # seconds, stack.sh
CLEAN_TIMEOUT = 180      # seconds, clean.sh
HTTP_TIMEOUT = 30        # seconds, one request
BOOT_TIMEOUT = 120       # seconds, servers to become ACTIVE
VENV_BIN = os.path.dirname(sys.executable)
#: A compute's binary: nova_lite's own name, and Nova's, which the compute
#: API shows to its clients.
COMPUTE_BINARIES = ('nova-lite-compute', 'nova-compute')


def _port_open(port, host='127.0.0.1'):
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _run(argv, timeout, env=None, check=True):
    result = subprocess.run(argv, capture_output=True, text=True,
                            timeout=timeout, env=env, cwd=REPO_ROOT)
    if check and result.returncode != 0:
        raise AssertionError('%s exited %d:\n%s\n%s' % (
            ' '.join(argv), result.returncode, result.stdout[-4000:],
            result.stderr[-4000:]))
    return result


def _skip_reason():
    """Why this machine cannot run the lab, or None."""
    if os.geteuid() != 0:
        return 'needs root (network namespaces, bridge, veth pairs)'
    probe = 'nl-probe-%s' % secrets.token_hex(3)
    try:
        _run(['ip', 'netns', 'add', probe], 10)
        _run(['ip', 'netns', 'del', probe], 10)
    except (OSError, AssertionError, subprocess.TimeoutExpired) as exc:
        return "'ip netns' is unavailable: %s" % str(exc).splitlines()[0]
    if not _port_open(5672):
        return 'RabbitMQ does not answer on 127.0.0.1:5672'
    if not _port_open(3306):
        return 'MariaDB does not answer on 127.0.0.1:3306'
    for cmd in ('nova-lite-api', 'nova-lite-compute', 'openstack'):
        if not os.path.exists(os.path.join(VENV_BIN, cmd)):
            return '%s is not installed in %s' % (cmd, VENV_BIN)
    return None


def _free_lab_net():
    """A 10.99.N prefix no interface of this machine uses."""
    used = _run(['ip', '-o', '-4', 'addr', 'show'], 10).stdout
    for _ in range(50):
        net = '10.99.%d' % random.randint(100, 249)
        if (' %s.' % net) not in used:
            return net
    raise AssertionError('no free 10.99.N.0/24 for the lab bridge')


class LabMultinodeTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        reason = _skip_reason()
        if reason:
            self.skipTest(reason)
        self.tag = 't' + secrets.token_hex(3)
        self.state_dir = self.useFixture(fixtures.TempDir()).path
        self.settings = {
            'STATE_DIR': os.path.join(self.state_dir, 'lab'),
            'VENV_DIR': os.path.dirname(VENV_BIN),
            'SKIP_INSTALL': 'True',
            'INSTALL_SYSTEM_PACKAGES': 'False',
            'ADMIN_PASSWORD': secrets.token_hex(8),
            'API_PORT': str(_free_port()),
            'KEYSTONE_PORT': str(_free_port()),
            'DATABASE_TYPE': 'mysql',
            'DATABASE_NAME': 'nl_lab_%s' % self.tag,
            'RABBIT': 'True',
            'RABBIT_USER': 'nl_lab_%s' % self.tag,
            'RABBIT_PASSWORD': secrets.token_hex(8),
            'RABBIT_VHOST': 'nl_lab_%s' % self.tag,
            'VIRT_DRIVER': 'fake',
            'LAB_HOST': '%sctl' % self.tag,
            'ENABLE_CONTROLLER_COMPUTE': 'False',
            'REPORT_INTERVAL': str(REPORT_INTERVAL),
            'SERVICE_DOWN_TIME': str(SERVICE_DOWN_TIME),
            'UNIT_PREFIX': 'nova-lite-%s-' % self.tag,
            'NODES': str(NODES),
            'NODE_NAME_PREFIX': '%sn' % self.tag,
            'NETNS_PREFIX': 'nl-',
            'LAB_BRIDGE': 'nlb%s' % self.tag[1:],
            'VETH_PREFIX': 'nlv%s' % self.tag[1:],
            'LAB_NET': _free_lab_net(),
            'DEMO_BOOT': 'False',
        }
        self.nodes = ['%s%d' % (self.settings['NODE_NAME_PREFIX'], i)
                      for i in range(1, NODES + 1)]
        self.namespaces = ['nl-' + node for node in self.nodes]
        local_conf = os.path.join(self.state_dir, 'local.conf')
        with open(local_conf, 'w') as conf:
            for key, value in self.settings.items():
                conf.write('%s=%s\n' % (key, value))
        self.env = dict(os.environ, NOVA_LITE_LOCAL_CONF=local_conf)
        self.t0 = time.monotonic()
        self.phases = []
        self.addDetail('phases', content.Content(
            content.UTF8_TEXT, lambda: ['\n'.join(self.phases).encode()]))
        # Cleanups run last-in first-out: clean.sh first, then the
        # forced removal of anything network it left.
        self.addCleanup(self._remove_links)
        self.addCleanup(self._clean_lab)
        self.stack_output = self._script('stack.sh', STACK_TIMEOUT)
        self.phase('stack.sh done')
        self.addDetail('stack.sh', content.text_content(self.stack_output))
        self.api = self.settings['API_PORT']
        self.token, self.compute_url = self._auth('admin', 'admin')

    def phase(self, name):
        """Note the time since setUp began (shown as detail 'phases')."""
        self.phases.append('%7.1f s  %s' % (time.monotonic() - self.t0, name))
        if os.environ.get('NOVA_LITE_LAB_TEST_PHASES'):
            print(self.phases[-1], file=sys.stderr, flush=True)

    # ------------------------------------------------------------ lab

    def _script(self, name, timeout, *args):
        result = _run([os.path.join(DEVSTACK, name)] + list(args), timeout,
                      env=self.env, check=False)
        output = result.stdout + result.stderr
        if result.returncode != 0:
            self.addDetail('%s-failed' % name, content.text_content(output))
            raise AssertionError('%s exited %d; tail:\n%s' % (
                name, result.returncode, output[-3000:]))
        return output

    def _clean_lab(self):
        logs = os.path.join(self.settings['STATE_DIR'], 'logs')
        for log in sorted(os.listdir(logs)) if os.path.isdir(logs) else []:
            with open(os.path.join(logs, log), errors='replace') as f:
                self.addDetail('log-' + log, content.text_content(
                    ''.join(f.readlines()[-30:])))
        self.phase('clean.sh ...')
        self.addDetail('clean.sh', content.text_content(
            self._script('clean.sh', CLEAN_TIMEOUT)))
        self.phase('clean.sh done')

    def _remove_links(self):
        """Delete this test's namespaces, veths and bridge if clean.sh left
        any (it should not: asserted here)."""
        left = []
        listed = _run(['ip', 'netns', 'list'], 10).stdout.split()
        for ns in self.namespaces:
            if ns in listed:
                left.append(ns)
                _run(['ip', 'netns', 'del', ns], 10, check=False)
        links = [self.settings['LAB_BRIDGE']] + [
            '%s%d' % (self.settings['VETH_PREFIX'], i)
            for i in range(1, NODES + 1)]
        for link in links:
            if os.path.exists('/sys/class/net/' + link):
                left.append(link)
                _run(['ip', 'link', 'del', link], 10, check=False)
        self.assertEqual([], left, 'left behind by clean.sh')

    # ------------------------------------------------------------ API

    def _auth(self, user, project):
        body = {'auth': {
            'identity': {'methods': ['password'], 'password': {'user': {
                'name': user, 'password': self.settings['ADMIN_PASSWORD'],
                'domain': {'name': 'Default'}}}},
            'scope': {'project': {'name': project,
                                  'domain': {'name': 'Default'}}}}}
        resp = requests.post('http://127.0.0.1:%s/v3/auth/tokens'
                             % self.settings['KEYSTONE_PORT'], json=body,
                             timeout=HTTP_TIMEOUT)
        self.assertEqual(201, resp.status_code, resp.text)
        compute = [e['url'] for s in resp.json()['token']['catalog']
                   if s['type'] == 'compute' for e in s['endpoints']
                   if e['interface'] == 'public']
        return resp.headers['X-Subject-Token'], compute[0]

    def _call(self, method, path, token=None, **kwargs):
        headers = {'X-Auth-Token': token or self.token,
                   'Accept': 'application/json'}
        return requests.request(method, self.compute_url + path,
                                headers=headers, timeout=HTTP_TIMEOUT,
                                **kwargs)

    def _boot(self, count, prefix):
        """Boot ``count`` servers as demo, one request each; their ids."""
        demo_token, _ = self._auth('demo', 'demo')
        images = self._call('GET', '/images', demo_token).json()['images']
        image = next(i['id'] for i in images if i['name'] == 'tiny')
        ids = []
        for index in range(count):
            resp = self._call('POST', '/servers', demo_token, json={
                'server': {'name': '%s-%d' % (prefix, index),
                           'flavorRef': '42', 'imageRef': image}})
            self.assertEqual(202, resp.status_code, resp.text)
            ids.append(resp.json()['server']['id'])
        return ids

    def _wait_active(self, ids):
        """{server id: host} once every server is ACTIVE (admin view)."""
        deadline = time.monotonic() + BOOT_TIMEOUT
        while True:
            resp = self._call('GET', '/servers/detail',
                              params={'all_tenants': 'True', 'limit': 1000})
            self.assertEqual(200, resp.status_code, resp.text)
            servers = {s['id']: s for s in resp.json()['servers']
                       if s['id'] in ids}
            errors = [s for s in servers.values() if s['status'] == 'ERROR']
            self.assertEqual([], errors)
            if len(servers) == len(ids) and all(
                    s['status'] == 'ACTIVE' for s in servers.values()):
                return {i: s['OS-EXT-SRV-ATTR:host']
                        for i, s in servers.items()}
            if time.monotonic() > deadline:
                self.fail('not ACTIVE after %d s: %s' % (BOOT_TIMEOUT, {
                    i: s['status'] for i, s in servers.items()}))
            time.sleep(1)

    # ------------------------------------------------------------ services

    def _has_os_services(self):
        return self._call('GET', '/os-services').status_code == 200

    def _manage_states(self):
        """{host: 'up'|'down'} of nova-lite-compute services, from
        ``nova-lite-manage service list``."""
        out = _run([os.path.join(self.settings['STATE_DIR'], 'bin',
                                 'nova-lite-manage'), 'service', 'list'],
                   60, env=self.env).stdout
        states = {}
        for line in out.splitlines():
            fields = line.split()
            if len(fields) >= 5 and fields[1] == 'nova-lite-compute':
                states[fields[2]] = fields[4]
        return states

    def _api_states(self):
        """{host: 'up'|'down'} from GET /os-services (when served)."""
        services = self._call('GET', '/os-services').json()['services']
        return {s['host']: s['state'] for s in services
                if s['binary'] in COMPUTE_BINARIES}

    def _cli_states(self):
        """{host: state} from ``openstack compute service list``."""
        env = dict(self.env, OS_AUTH_URL='http://127.0.0.1:%s/v3'
                   % self.settings['KEYSTONE_PORT'], OS_AUTH_TYPE='password',
                   OS_IDENTITY_API_VERSION='3', OS_USERNAME='admin',
                   OS_PASSWORD=self.settings['ADMIN_PASSWORD'],
                   OS_PROJECT_NAME='admin', OS_USER_DOMAIN_NAME='Default',
                   OS_PROJECT_DOMAIN_NAME='Default',
                   OS_REGION_NAME='RegionOne')
        out = _run([os.path.join(VENV_BIN, 'openstack'), 'compute',
                    'service', 'list', '-f', 'json'], 120, env=env).stdout
        return {s['Host']: s['State'] for s in json.loads(out)
                if s['Binary'] in COMPUTE_BINARIES}

    def _wait_down(self, host, states, since):
        """Seconds from ``since`` (a time.monotonic() value) until
        ``states()`` reports ``host`` down, counted to the start of the
        poll that saw it (so never late by the poll's own duration);
        fails after 3 × SERVICE_DOWN_TIME."""
        while True:
            asked = time.monotonic()
            if states().get(host) == 'down':
                return asked - since
            if asked - since > 3 * SERVICE_DOWN_TIME:
                self.fail('%s not reported down after %d s' % (
                    host, 3 * SERVICE_DOWN_TIME))
            time.sleep(0.5)

    # ------------------------------------------------------------ test

    def test_spread_down_detection_and_no_scheduling_to_down_node(self):
        # The namespaces exist and each node's compute runs inside its own.
        listed = _run(['ip', 'netns', 'list'], 10).stdout.split()
        for ns in self.namespaces:
            self.assertIn(ns, listed)
            self.assertNotEqual('', _run(['ip', 'netns', 'pids', ns],
                                         10).stdout.strip(), ns)

        hosts = self._wait_active(self._boot(6, 'spread'))
        self.phase('6 servers ACTIVE')
        self.assertEqual(set(self.nodes), set(hosts.values()),
                         'six servers on all three nodes')

        use_api = self._has_os_services()
        states = self._api_states if use_api else self._manage_states
        self.addDetail('down-check', content.text_content(
            'GET /os-services + openstack compute service list' if use_api
            else 'nova-lite-manage service list (no os-services yet)'))
        self.assertEqual({n: 'up' for n in self.nodes}, states())

        down = self.nodes[-1]
        stopping = time.monotonic()
        _run([os.path.join(DEVSTACK, 'labctl.sh'), 'stop', 'compute-' + down],
             60, env=self.env)
        self.phase('compute-%s stopped' % down)
        seconds = self._wait_down(down, states, stopping)
        self.phase('%s down %.1f s after its stop began' % (down, seconds))
        # Heartbeats end when the stop begins (SIGTERM); the service is down
        # service_down_time after the last one. One report_interval of
        # slack for a heartbeat already under way.
        self.assertLessEqual(seconds, SERVICE_DOWN_TIME + REPORT_INTERVAL,
                             'down %.1f s after its stop began' % seconds)
        self.assertEqual('up', states()[self.nodes[0]])
        if use_api:
            cli = self._cli_states()
            self.assertEqual('down', cli[down])
            self.assertEqual('up', cli[self.nodes[0]])

        self.phase('CLI checked')
        later = self._wait_active(self._boot(4, 'after'))
        self.phase('4 more servers ACTIVE')
        self.assertNotIn(down, set(later.values()))
        self.assertTrue(set(later.values()) <= set(self.nodes[:-1]))

