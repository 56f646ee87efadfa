"""Services and signals: SIGTERM stops a service cleanly (exit 0, its
heartbeats end), also while it is still starting; SIGABRT makes it write
the stack of every thread to its log (faulthandler) before it dies, so a
service that would not stop shows where it was stuck (the lab sends
SIGABRT before SIGKILL)."""
import signal
import time

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
        self.assertIn('wait_for_stop', log)
        self.assertGreater(log.count('Thread 0x'), 1, log[-3000:])

    def test_sigterm_while_a_compute_waits_for_a_conductor(self):
        conductor = self.stack.processes['conductor']
        conductor.popen.send_signal(signal.SIGTERM)
        self.assertEqual(0, conductor.popen.wait(30), self.log('conductor'))
        proc = self.stack.start_compute('node2')
        deadline = time.monotonic() + 60
        while 'did not answer ping' not in self.log('compute-node2'):
            self.assertLess(time.monotonic(), deadline,
                            self.log('compute-node2'))
            self.assertIsNone(proc.popen.poll(), self.log('compute-node2'))
            time.sleep(0.2)
        proc.popen.send_signal(signal.SIGTERM)
        # The ping under way (5 s at most) ends the wait.
        self.assertEqual(0, proc.popen.wait(30), self.log('compute-node2'))
        log = self.log('compute-node2')
        self.assertIn('asked to stop while starting', log)
        self.assertNotIn('started on node2', log)
