"""The chaos run's pure parts: the end-state checks on rows, the request
plan and pacing, and finding the process that serves a connection."""
import os
import socket

import testtools

from nova_lite.bench import chaos
from nova_lite.bench import chaos_checks


def row(name, rid, vm_state='active', task_state=None, fault=False,
        uuid=None):
    return (uuid or name, name, rid, vm_state, task_state, fault)


class ServerProblemsTest(testtools.TestCase):

    def test_active_and_error_with_fault_are_fine(self):
        self.assertEqual([], chaos_checks.server_problems([
            row('chaos-c0-r0-n1', 'r-1'),
            row('chaos-c0-r1-n1', 'r-2', 'error', fault=True)]))

    def test_build_error_without_fault_and_other_states(self):
        problems = chaos_checks.server_problems([
            row('a', 'r-1', 'building', 'scheduling'),
            row('b', 'r-2', 'error'),
            row('c', 'r-3', 'stopped')])
        self.assertEqual(3, len(problems))
        self.assertIn('still in BUILD (task scheduling)', problems[0])
        self.assertIn('ERROR without a fault', problems[1])
        self.assertIn('ended stopped', problems[2])


class ReservationProblemsTest(testtools.TestCase):

    def test_counts_from_the_names(self):
        rows = [row('chaos-c0-r0-n2-1', 'r-1', uuid='u1'),
                row('chaos-c0-r0-n2-2', 'r-1', uuid='u2'),
                row('chaos-c1-r1-n1', 'r-2', uuid='u3'),
                # a retry's reservation, not accepted, complete too
                row('chaos-c1-r1-n1', 'r-3', uuid='u4')]
        self.assertEqual([], chaos_checks.reservation_problems(
            rows, {'r-1': 2, 'r-2': 1}))

    def test_short_reservation_and_missing_accepted_one(self):
        rows = [row('chaos-c0-r0-n2-1', 'r-1')]
        problems = chaos_checks.reservation_problems(rows, {'r-1': 2,
                                                            'r-9': 1})
        self.assertEqual(['reservation r-1 holds 1 servers, asked [2]',
                          'accepted reservation r-1 holds 1 of 2',
                          'accepted reservation r-9 holds 0 of 1'],
                         problems)


class PlanTest(testtools.TestCase):

    def test_plan_sums_to_the_instances(self):
        run = chaos.ChaosRun(None, None, 'img', [], instances=10)
        self.assertEqual([1, 2, 1, 1, 2, 1, 1, 1], run._plan)
        self.assertEqual(10, sum(run._plan))

    def test_paced_rate(self):
        # 100 instances, 4/3 per request: 75 requests over 8 * 4 s.
        self.assertAlmostEqual(75 / 32, chaos.paced_rate(100, 3, 8))


class ConnectionHolderTest(testtools.TestCase):

    def test_finds_the_process_holding_the_server_side(self):
        listener = socket.create_server(('127.0.0.1', 0))
        self.addCleanup(listener.close)
        client = socket.create_connection(listener.getsockname())
        self.addCleanup(client.close)
        server_side, _addr = listener.accept()
        self.addCleanup(server_side.close)
        inodes = chaos._server_socket_inodes(
            listener.getsockname()[1], {client.getsockname()[1]})
        self.assertEqual(1, len(inodes))
        self.assertEqual(os.getpid(), chaos._holder([os.getpid()], inodes))
        self.assertIsNone(chaos._holder([os.getpid()], {'0'}))
