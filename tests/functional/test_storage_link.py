"""The lab's storage network (devstack/lib/guestnet) with the volume
service's export filter (nova_lite.volume.export): another node is
refused.

A stand-in for this machine (a namespace of the test's own: the lab's
functions run inside it, so its ``${VETH_PREFIX}st`` and
``STORAGE_NET.1`` are made there, not in the test runner's namespace)
joins the storage switch with ``storage_switch_ensure``; two computes'
guest namespaces join it with ``guestnet_storage_link`` (the
controller's compute, ``STORAGE_NET.2``, and node1, ``.11``). A TCP
listener stands for an export on ``STORAGE_NET.1``; the exporter's
filter (``NBDExporter.allow``) lets in node1 only, as for an
attachment of node1's. The check: node1 connects, the controller's
compute and the storage host itself are refused (TCP reset), and the
export's close lets everyone in again. The whole lab (QEMU guests on
two nodes, qemu-nbd) is ``devstack/tools/volume-cli-check.sh``'s
(doc/volumes.md, "Lab check").
Needs root, ``ip netns`` and ``nft``; skipped otherwise. About 3 s.
"""
import os
import subprocess
import sys
import textwrap
import uuid

import fixtures
import testtools

from tests.functional import test_guestnet_link

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DEVSTACK = os.path.join(REPO_ROOT, 'devstack')
TOOLS = os.path.join(DEVSTACK, 'tools')
STORAGE_NET = '10.97.9'
PORT = 10809
TIMEOUT = 60  # seconds, one command


class StorageLinkTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        reason = test_guestnet_link.missing(('ip', 'nft'))
        if reason:
            self.skipTest(reason)
        if TOOLS not in sys.path:
            sys.path.insert(0, TOOLS)
        import lab_storage
        self.probe = lab_storage
        self.prefix = 'nls%s-' % uuid.uuid4().hex[:6]
        self.addCleanup(test_guestnet_link.delete_namespaces, self.prefix)
        self.storage_host = self.prefix + 'host'
        # Namespaces made inside the stand-in (``ip netns exec``, a mount
        # namespace of its own) would die with its bash: the switch's is
        # made here, and storage_switch_ensure finds it.
        for name in ('host', 'ssw', 'g-ctl', 'g-node1'):
            subprocess.run(['ip', 'netns', 'add', self.prefix + name],
                           check=True, timeout=TIMEOUT)
            subprocess.run(['ip', '-n', self.prefix + name, 'link', 'set',
                            'lo', 'up'], check=True, timeout=TIMEOUT)
        self._lab('storage_switch_ensure; guestnet_storage_link ctl; '
                  'guestnet_storage_link node1')
        self.listener = subprocess.Popen(
            ['ip', 'netns', 'exec', self.storage_host, sys.executable, '-c',
             'import socket, time; s = socket.socket(); '
             's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); '
             's.bind(("%s.1", %d)); s.listen(8); print("up", flush=True); '
             'time.sleep(120)' % (STORAGE_NET, PORT)],
            stdout=subprocess.PIPE, text=True)
        self.addCleanup(self.listener.wait)
        self.addCleanup(self.listener.kill)
        self.assertEqual('up', self.listener.stdout.readline().strip())

    def _lab(self, script):
        """SCRIPT in bash with the lab's functions and guestnet lib, run
        in the stand-in for this machine."""
        env = dict(os.environ, NETNS_PREFIX=self.prefix, VETH_PREFIX='nls',
                   STORAGE_NET=STORAGE_NET, LAB_HOST='ctl',
                   NODE_NAME_PREFIX='node')
        full = 'set -euo pipefail; source %s/functions; ' \
               'source %s/lib/guestnet; %s' % (DEVSTACK, DEVSTACK, script)
        return subprocess.run(
            ['ip', 'netns', 'exec', self.storage_host, 'bash', '-c', full],
            env=env, check=True, capture_output=True, text=True,
            timeout=TIMEOUT).stdout

    def _exporter(self, call):
        """``NBDExporter().CALL`` (nova_lite.volume.export, with the
        default [volume] options) in the storage host."""
        code = textwrap.dedent('''
            import nova_lite.conf
            from nova_lite.volume import export
            nova_lite.conf.CONF([], default_config_files=[])
            export.NBDExporter(%r).%s
        ''') % (self.useFixture(fixtures.TempDir()).path, call)
        subprocess.run(['ip', 'netns', 'exec', self.storage_host,
                        sys.executable, '-c', code], check=True,
                       capture_output=True, timeout=TIMEOUT)

    def _refused(self, ns):
        return self.probe.connect_refused(ns, STORAGE_NET + '.1', PORT)

    def test_only_the_attachments_node_connects(self):
        ctl, node1 = self.prefix + 'g-ctl', self.prefix + 'g-node1'
        self.assertEqual(sorted([ctl, node1]), sorted(
            ns for ns in self.probe.storage_namespaces()
            if ns.startswith(self.prefix)))
        # Unfiltered, the whole storage network reaches the export.
        for ns in (ctl, node1, self.storage_host):
            self.assertEqual('connected', self._refused(ns))
        self._exporter("allow('att-1', %d, ['%s.11'])" % (PORT, STORAGE_NET))
        self.assertEqual('connected', self._refused(node1))
        self.assertIs(True, self._refused(ctl))
        self.assertIs(True, self._refused(self.storage_host))
        self._exporter("close('att-1')")
        self.assertEqual('connected', self._refused(ctl))
