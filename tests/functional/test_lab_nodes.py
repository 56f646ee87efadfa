"""The multi-node lab of systemd containers (NODE_MODE=nspawn), end to end:
devstack/tools/nodes-check.sh from a fresh state brings up two nodes,
expects both computes up, boots a server onto a node, kills that node's
compute and expects systemd to restart it (Restart=on-failure) and the
journal to show it, then runs unstack.sh and checks that no container,
mount, namespace, cgroup or process is left. Each step prints
"PASS <step>" or "FAIL <step>: why".

test_nodes_check: nodes with the fake driver. Gated: runs only with
NOVA_LITE_NSPAWN_CHECK=1 (root, systemd-nspawn, RabbitMQ and MariaDB on
127.0.0.1; about 2 minutes, plus ~1 minute the first time to build the
node root fs with mmdebstrap).

test_nodes_check_libvirt: each node runs its own libvirtd and QEMU (TCG):
both active under the node's systemd, distinct machine ids and libvirt
host UUIDs, node1 reaches node2's libvirtd over the lab link
(qemu+tcp, the live-migration URI), a real guest boots on each node
(console shows NOVA_LITE_GUEST_UP, ping answers from the node's guest
namespace), one is cold-migrated to the other node and confirmed (its
files downloaded through the source's libvirtd), the other migrated and
reverted. Gated: also needs
NOVA_LITE_NSPAWN_LIBVIRT_CHECK=1 (about 6 minutes under TCG, plus ~2
minutes the first time to build the libvirt root fs).
"""
import os
import re
import subprocess
import sys

import testtools
from testtools import content

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CHECK = os.path.join(REPO_ROOT, 'devstack', 'tools', 'nodes-check.sh')
VENV_DIR = os.path.dirname(os.path.dirname(sys.executable))
TIMEOUT = 900   # seconds, the whole check
LIBVIRT_TIMEOUT = 1800


class LabNodesCheckTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        if os.environ.get('NOVA_LITE_NSPAWN_CHECK') != '1':
            self.skipTest('set NOVA_LITE_NSPAWN_CHECK=1 to boot the lab nodes')
        if os.geteuid() != 0:
            self.skipTest('needs root (containers, namespaces)')

    def run_check(self, virt, timeout):
        result = subprocess.run(
            [CHECK], capture_output=True, text=True, timeout=timeout,
            env=dict(os.environ, VENV_DIR=VENV_DIR, CHECK_NODES='2',
                     CHECK_VIRT=virt),
            cwd=REPO_ROOT)
        out = result.stdout + result.stderr
        self.addDetail('nodes-check.sh', content.text_content(out))
        self.assertEqual(0, result.returncode, out[-3000:])
        self.assertNotIn('] FAIL ', out)
        for step in ('stack', 'services', 'restart', 'unstack'):
            self.assertRegex(out, r'\] PASS %s\b' % step)
        restart = re.search(r'main pid (\d+) -> (\d+), NRestarts=(\d+)', out)
        self.assertIsNotNone(restart, out)
        self.assertNotEqual(restart.group(1), restart.group(2))
        self.assertEqual('1', restart.group(3))
        self.assertIn('status=9/KILL', out)
        self.assertIn('nothing left', out)
        self.assertTrue(out.rstrip().endswith('PASS (exit 0)'), out[-500:])
        return out

    def test_nodes_check(self):
        out = self.run_check('fake', TIMEOUT)
        self.assertRegex(out, r'is ACTIVE on node[12]\b')

    def test_nodes_check_libvirt(self):
        if os.environ.get('NOVA_LITE_NSPAWN_LIBVIRT_CHECK') != '1':
            self.skipTest('set NOVA_LITE_NSPAWN_LIBVIRT_CHECK=1 to run QEMU '
                          'guests in the lab nodes')
        out = self.run_check('libvirt', LIBVIRT_TIMEOUT)
        for step in ('identity', 'lab link', 'guests', 'cold migration',
                     'cold migration revert'):
            self.assertRegex(out, r'\] PASS %s\b' % step)
        for node in ('node1', 'node2'):
            self.assertRegex(out, r'%s: systemctl is-active nova-lite-compute '
                             r'libvirtd: active active' % node)
            self.assertRegex(out, r'ACTIVE on %s; in %s: instance-' % (
                node, node))
            self.assertRegex(out, r'answers ping from nl\w+-g-%s' % node)
        # Two first boots, the migrated guest's boot on its new node and
        # the reverted guest's on its old one.
        self.assertEqual(4, out.count('console log shows the boot'))
