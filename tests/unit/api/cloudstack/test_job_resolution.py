"""A start/stop/reboot job is resolved from the command's instance
action and the instance's state. The compute's conductor writes the
state and then finishes the action; the resolver reads them in that
order reversed (action first), so it never sees a finished action with
the state from before it (a start reported failed while its VM was
still Starting: seen in CI)."""
import collections
from unittest import mock

import fixtures

import testtools

from nova_lite.api.cloudstack import jobs
from nova_lite.compute import states

Row = collections.namedtuple('Row', 'uuid vm_state task_state')
Action = collections.namedtuple('Action', 'finish_time message')


class ActionJobResolutionTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.instance = Row('u1', states.STOPPED, states.POWERING_ON)
        self.request = mock.Mock()
        self.request.compute_api.get.side_effect = \
            lambda ctx, uuid: self.instance
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.api.cloudstack.jobs._vm_result',
            lambda request, instance: {'vm': instance}))
        self.job = {'instance_uuid': 'u1', 'created_at': None}

    def _latest_finishing_now(self, *args):
        # The conductor's two writes land at this moment: state, then the
        # action's finish.
        self.instance = Row('u1', states.ACTIVE, None)
        return Action('2026-12-06T10:53:33', 'Success')

    def test_action_finished_between_the_reads_succeeds(self):
        resolve = jobs._action_resolver('start', states.ACTIVE)
        with mock.patch.object(jobs.action_api, 'latest',
                               side_effect=self._latest_finishing_now):
            status, _code, result = resolve(self.request, self.job)
        self.assertEqual(jobs.SUCCEEDED, status)
        self.assertEqual(states.ACTIVE, result['vm'].vm_state)

    def test_unfinished_action_keeps_the_job_pending(self):
        resolve = jobs._action_resolver('start', states.ACTIVE)
        with mock.patch.object(jobs.action_api, 'latest',
                               return_value=Action(None, None)):
            self.assertIsNone(resolve(self.request, self.job))

    def test_failed_action_fails_the_job(self):
        resolve = jobs._action_resolver('start', states.ACTIVE)
        self.instance = Row('u1', states.STOPPED, None)
        with mock.patch.object(jobs.action_api, 'latest',
                               return_value=Action('t', 'Error')):
            status, _code, result = resolve(self.request, self.job)
        self.assertEqual(jobs.FAILED, status)
        self.assertIn('start action failed', result['errortext'])

