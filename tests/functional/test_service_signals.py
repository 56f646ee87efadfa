"""Services and signals: SIGTERM stops a service cleanly (exit 0, its
heartbeats end), SIGABRT makes it write the stack of every thread to its
log (faulthandler) before it dies, so a service that would not stop shows
where it was stuck (the lab sends SIGABRT before SIGKILL)."""
import signal

import testtools

from tests.functional.fixtures import processes


class ServiceSignalsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(processes.MultiProcessStack(
            'mysql', hosts=('node1',)))

    def log(self, name):
        with open(self.stack.processes[name].log_path,
                  errors='replace') as f:
            return f.read()

    def test_sigterm_stops_every_service_cleanly(self):
        for name in ('compute-node1', 'conductor', 'scheduler', 'api'):
            proc = self.stack.processes[name]
            proc.popen.send_signal(signal.SIGTERM)
            self.assertEqual(0, proc.popen.wait(30), self.log(name))
            self.assertIn('Signal 15 received', self.log(name))

    def test_sigabrt_dumps_the_stack_of_every_thread(self):
        proc = self.stack.processes['scheduler']
        proc.popen.send_signal(signal.SIGABRT)
        self.assertEqual(-signal.SIGABRT, proc.popen.wait(30))
        log = self.log('scheduler')
        self.assertIn('Fatal Python error: Aborted', log)
        # The main thread waits for a signal; other threads exist too.
        self.assertIn('wait_for_signal', log)
        self.assertGreater(log.count('Thread 0x'), 1, log[-3000:])
