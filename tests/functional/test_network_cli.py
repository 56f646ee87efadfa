"""Issue 19 acceptance 1: project networks, security groups and floating
IPs through the unmodified ``openstack`` CLI, by the lab check
``devstack/tools/network_cli_check.py`` run against a stack of the
test's own (separate services on RabbitMQ and MariaDB behind a real
Keystone, fake driver).

The check (see its docstring) creates a network, a subnet and a router
to the external network ``public``, boots a server on the network, lists
its port, puts it in a new security group, adds an SSH rule, gives it a
floating IP, and boots a second project's server on a network of its
own. On the fake driver the SSH steps are left out (``--no-guest``): the
lab runs the whole check on real guests (doc/networking.md, "Lab
check").
"""
import os
import subprocess
import sys

from tests.functional.fixtures import processes
from tests.functional import test_clients

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CHECK = os.path.join(REPO, 'devstack', 'tools', 'network_cli_check.py')
#: Seconds the whole check may take (each CLI call costs 2-3 s of CPU).
CHECK_TIMEOUT = 900
KEY = 'netcheck-key'


def run_check(stack, *args):
    """Run the check as the stack's demo user (alt_demo the second
    project); returns (exit status, output)."""
    env = test_clients.client_env(stack, 'demo')
    env['OPENSTACK'] = ' '.join(processes.command('openstack'))
    alt = stack.openstack_env('alt_demo')
    env.update({'ALT_OS_USERNAME': alt['OS_USERNAME'],
                'ALT_OS_PROJECT_NAME': alt['OS_PROJECT_NAME'],
                'ALT_OS_PASSWORD': alt['OS_PASSWORD']})
    result = subprocess.run(
        [sys.executable, CHECK, '--key-name', KEY] + list(args),
        capture_output=True, text=True, timeout=CHECK_TIMEOUT, env=env,
        cwd=stack.state_dir)
    output = result.stdout + result.stderr
    print(output)
    return result.returncode, output


class TestNetworkCLI(test_clients.KeystoneStackTestCase):
    """The API steps of the lab check on the fake driver."""

    def setUp(self):
        super().setUp()
        self.openstack('admin', 'network', 'create', '--external', 'public')
        self.openstack('admin', 'subnet', 'create', '--network', 'public',
                       '--subnet-range', '172.24.4.0/24', '--no-dhcp',
                       'public-subnet')
        self.addCleanup(self.openstack, 'admin', 'network', 'delete',
                        'public')
        self.openstack('demo', 'keypair', 'create', KEY)
        self.addCleanup(self.openstack, 'demo', 'keypair', 'delete', KEY)

    def test_network_steps_through_the_cli(self):
        status, output = run_check(self.stack, '--no-guest', '--image',
                                   'tiny')
        self.assertEqual(0, status, output)
        self.assertIn('9 passed, 0 failed', output)
        for number, step in ((1, 'network_create'), (2, 'subnet_create'),
                             (3, 'router'), (4, 'server_create'),
                             (5, 'port_list'),
                             (6, 'security_group_create'),
                             (7, 'floating_ip'), (9, 'rule_create'),
                             (11, 'alt_project_server')):
            self.assertRegex(output, r'(?m)^ ?%d %s +PASS' % (number, step))
        self.assertNotIn('ssh_', output)
        # The clean-up left nothing of the project behind.
        servers = self.openstack_json('demo', 'server', 'list')
        self.assertEqual([], servers)
        fips = self.openstack_json('demo', 'floating', 'ip', 'list')
        self.assertEqual([], fips)
        nets = [n['Name'] for n in self.openstack_json('alt_demo', 'network',
                                                       'list')]
        self.assertFalse([n for n in nets if n.startswith('netcheck')], nets)
