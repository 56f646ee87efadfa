"""The runner the lab's CLI checks share (``devstack/tools/cli_check.py``):
numbered PASS/FAIL lines, a failure ending the run unless the check says
otherwise, the clean-up order (servers first), the summary and exit
status; and the volume check's step selection
(``volume_cli_check.py``)."""
import contextlib
import io
import os
import sys

import testtools

TOOLS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'devstack', 'tools')


def _tools():
    if TOOLS not in sys.path:
        sys.path.insert(0, TOOLS)
    import cli_check
    import volume_cli_check
    return cli_check, volume_cli_check


class FakeCheck:
    """A CliCheck whose CLI records its commands."""

    @classmethod
    def make(cls, cli_check, fatal=True):
        class Check(cli_check.CliCheck):
            STEPS = ('one', 'two', 'three')

            def __init__(self):
                super().__init__(None)
                self.commands = []

            def cli(self, *args, parse=True, alt=False):
                self.commands.append((alt,) + args)
                return ''

            def fatal(self, name):
                return fatal

            def step_one(self):
                self.made('volume', 'v1')
                self.made('server', 's1', False, '--wait')
                return 'made them'

            def step_two(self):
                raise cli_check.StepFailed('broken')

            def step_three(self):
                return 'after'
        return Check()


class CliCheckTest(testtools.TestCase):

    def run_main(self, check, steps):
        cli_check, _ = _tools()
        out = io.StringIO()
        with contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(io.StringIO()):
            status = cli_check.main(check, steps)
        return status, out.getvalue().splitlines()

    def test_failure_ends_the_run_and_everything_is_cleaned(self):
        cli_check, _ = _tools()
        check = FakeCheck.make(cli_check)
        status, lines = self.run_main(check, list(check.STEPS))
        self.assertEqual(1, status)
        self.assertRegex(lines[0], r'^ 1 one +PASS \(\d+\.\d s\): made them$')
        self.assertRegex(lines[1], r'^ 2 two +FAIL \(\d+\.\d s\): broken$')
        self.assertEqual('1 passed, 1 failed', lines[-1])
        # Servers first, then the rest newest first.
        self.assertEqual([(False, 'server', 'delete', '--wait', 's1'),
                          (False, 'volume', 'delete', 'v1')],
                         check.commands)

    def test_a_non_fatal_failure_goes_on(self):
        cli_check, _ = _tools()
        check = FakeCheck.make(cli_check, fatal=False)
        status, lines = self.run_main(check, ['one', 'two', 'three'])
        self.assertEqual(1, status)
        self.assertRegex(lines[2], r'^ 3 three +PASS')
        self.assertEqual('2 passed, 1 failed', lines[-1])
        status, lines = self.run_main(FakeCheck.make(cli_check),
                                      ['one', 'three'])
        self.assertEqual((0, '2 passed, 0 failed'), (status, lines[-1]))

    def test_volume_check_steps(self):
        _, volume_cli_check = _tools()
        args = volume_cli_check.parse_args(['--no-guest'])
        self.assertEqual(['volume_create', 'servers_create', 'attach_first',
                          'detach_first', 'attach_second', 'boot_volume',
                          'boot_from_volume', 'delete_bfv_servers',
                          'delete'],
                         args.steps)
        args = volume_cli_check.parse_args(['--ssh-key', 'k'])
        self.assertEqual(list(volume_cli_check.STEPS), args.steps)
        check = volume_cli_check.VolumeCheck
        # volumes_attached of 'server show' (2.3: delete_on_termination)
        # and the attachments of 'volume show', as JSON or older text.
        attached = [{'id': 'v1', 'delete_on_termination': False},
                    {'id': 'v2', 'delete_on_termination': True}]
        self.assertEqual({'v1': False, 'v2': True}, check.volumes_attached(
            {'volumes_attached': attached}))
        self.assertEqual({'ab-1': True}, check.volumes_attached(
            {'volumes_attached': "delete_on_termination='True', id='ab-1'"}))
        self.assertEqual([('s1', '/dev/vda')], check.attachments(
            {'attachments': [{'server_id': 's1', 'device': '/dev/vda',
                              'id': 'x'}]}))
        self.assertEqual([], check.attachments({'attachments': []}))
        with contextlib.redirect_stderr(io.StringIO()):
            self.assertRaises(SystemExit, volume_cli_check.parse_args, [])
            self.assertRaises(SystemExit, volume_cli_check.parse_args,
                              ['--no-guest', '--steps', 'nope'])


class LabStorageTest(testtools.TestCase):
    """The storage network probes of ``devstack/tools/lab_storage.py``
    (in this namespace: no root needed), and ``CliCheck.server_netns``
    for a server no QEMU here runs."""

    def setUp(self):
        super().setUp()
        _tools()
        import lab_storage
        self.storage = lab_storage

    def listener(self):
        import socket
        server = socket.socket()
        self.addCleanup(server.close)
        server.bind(('127.0.0.1', 0))
        server.listen(1)
        return server, server.getsockname()[1]

    def test_proc_net_address(self):
        self.assertEqual('0101630A:0C38', self.storage._proc_net_address(
            '10.99.1.1', 3128))

    def test_connected_and_refused(self):
        import socket
        server, port = self.listener()
        self.assertFalse(self.storage.connected(None, '127.0.0.1', port))
        client = socket.create_connection(('127.0.0.1', port))
        self.addCleanup(client.close)
        self.assertTrue(self.storage.connected(None, '127.0.0.1', port))
        self.assertEqual('connected', self.storage.connect_refused(
            None, '127.0.0.1', port))
        server.close()
        client.close()
        # Nothing listens there any more: the kernel answers a reset.
        self.assertIs(True, self.storage.connect_refused(
            None, '127.0.0.1', port))

    def test_server_netns_of_no_qemu(self):
        cli_check, _ = _tools()
        self.assertIsNone(cli_check.CliCheck.server_netns(
            '00000000-0000-0000-0000-000000000000'))
