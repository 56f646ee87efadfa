"""The multi-node lab of systemd containers (NODE_MODE=nspawn), end to end:
devstack/tools/nodes-check.sh from a fresh state brings up two nodes,
expects both computes up, boots a server onto a node, kills that node's
compute and expects systemd to restart it (Restart=on-failure) and the
journal to show it, then tears the lab down and checks that no container,
mount, namespace, cgroup or process is left.

Gated: runs only with NOVA_LITE_NSPAWN_CHECK=1 (root, systemd-nspawn,
RabbitMQ and MariaDB on 127.0.0.1; about 2 minutes, plus ~1 minute the
first time to build the node root fs with mmdebstrap).
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


class LabNodesCheckTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        if os.environ.get('NOVA_LITE_NSPAWN_CHECK') != '1':
            self.skipTest('set NOVA_LITE_NSPAWN_CHECK=1 to boot the lab nodes')
        if os.geteuid() != 0:
            self.skipTest('needs root (containers, namespaces)')

    def test_nodes_check(self):
        result = subprocess.run(
            [CHECK], capture_output=True, text=True, timeout=TIMEOUT,
            env=dict(os.environ, VENV_DIR=VENV_DIR, CHECK_NODES='2'),
            cwd=REPO_ROOT)
        out = result.stdout + result.stderr
        self.addDetail('nodes-check.sh', content.text_content(out))
        self.assertEqual(0, result.returncode, out[-3000:])
        self.assertIn("every node's compute is up", out)
        self.assertRegex(out, r'is ACTIVE on node[12]\b')
        restart = re.search(r'main pid (\d+) -> (\d+), NRestarts=(\d+)', out)
        self.assertIsNotNone(restart, out)
        self.assertNotEqual(restart.group(1), restart.group(2))
        self.assertEqual('1', restart.group(3))
        self.assertIn('status=9/KILL', out)
        self.assertIn('nothing left', out)
        self.assertTrue(out.rstrip().endswith('PASS (exit 0)'), out[-500:])
