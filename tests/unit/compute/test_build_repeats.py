"""ComputeManager.build_and_run_instance: a repeated cast of a build
already queued or running on the host (the sweeper re-drives a build
that waited past redrive_timeout in a long queue) is dropped, so that
repeats cannot fill the build queue and reschedule builds that were
only waiting; once the build is over, a new cast is taken again."""
import threading
from unittest import mock

import futurist
import testtools

from nova_lite.compute import manager as compute_manager
from nova_lite.objects import instance as instance_obj

UUID = '11111111-2222-4333-8444-555555555555'


class BuildRepeatsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        mgr = compute_manager.ComputeManager.__new__(
            compute_manager.ComputeManager)
        mgr.host = 'node1'
        mgr._builds = set()
        mgr._builds_lock = threading.Lock()
        mgr._build_semaphore = threading.BoundedSemaphore(1)
        mgr._executor = mock.Mock()
        mgr.build_flow = mock.Mock()
        self.mgr = mgr
        self.instance = instance_obj.Instance(uuid=UUID)

    def cast(self):
        self.mgr.build_and_run_instance({}, self.instance, None, [])

    def test_repeat_of_a_queued_build_is_dropped(self):
        self.cast()
        self.cast()
        self.assertEqual(1, self.mgr._executor.submit.call_count)
        # The queued build runs; a later cast is a new build.
        func, *args = self.mgr._executor.submit.call_args[0]
        func(*args)
        self.mgr.build_flow.run.assert_called_once()
        self.cast()
        self.assertEqual(2, self.mgr._executor.submit.call_count)

    def test_full_queue_rejects_and_forgets_the_build(self):
        self.mgr._executor.submit.side_effect = futurist.RejectedSubmission()
        self.cast()
        self.mgr.build_flow.reject.assert_called_once()
        self.assertEqual(set(), self.mgr._builds)
