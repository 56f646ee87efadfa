"""Destroyed VMs through CloudStack's command API, over the same engine
as the compute API (an in-process compute on the fake driver):
destroyVirtualMachine keeps the VM Destroyed for [cloudstack]
expunge_delay, recoverVirtualMachine makes it Stopped,
expungeVirtualMachine and expunge=true delete it; both APIs see one
state (doc/lifecycle.md)."""
import datetime

from oslo_utils import timeutils

from nova_lite.compute import states
from nova_lite.db import instances as instance_db
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes
from tests.unit.compute import lifecycle_harness


class _DestroyedTestCase(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.compute = self.useFixture(lifecycle_harness.InProcessCompute())
        self.addCleanup(timeutils.clear_time_override)
        self.now = timeutils.utcnow()
        timeutils.set_time_override(self.now)
        resp = self.api.request('POST', '/v2.1/servers', {'server': {
            'name': 'vm1', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1'}})
        self.assertEqual(202, resp.status_code)
        self.uuid = resp.json['server']['id']
        self.compute.spawn(self.set_instance, self.uuid)

    def set_instance(self, uuid, **values):
        instance_db.instance_update(self.api.admin_context, uuid, values)

    def ok(self, command, **params):
        status, body = self.json(command, **params)
        self.assertEqual(200, status, body)
        return body[command.lower() + 'response']

    def error(self, command, code, **params):
        status, body = self.json(command, **params)
        self.assertEqual(code, status, body)
        return body[command.lower() + 'response']['errortext']

    def job(self, answer):
        job = self.ok('queryAsyncJobResult', jobid=answer['jobid'])
        self.assertEqual(1, job['jobstatus'], job)
        return job['jobresult']

    def row(self):
        ctx = self.api.admin_context.elevated()
        ctx.read_deleted = 'yes'
        return instance_db.instance_get(ctx, self.uuid)

    def listed(self, **params):
        return {vm['id']: vm['state'] for vm in self.ok(
            'listVirtualMachines', **params).get('virtualmachine', [])}

    def destroy(self, **params):
        return self.job(self.ok('destroyVirtualMachine', id=self.uuid,
                                **params))


class UserTest(_DestroyedTestCase):

    def test_destroy_keeps_the_vm_destroyed_for_the_expunge_delay(self):
        vm = self.destroy()['virtualmachine']
        self.assertEqual('Destroyed', vm['state'])
        row = self.row()
        self.assertEqual((states.SOFT_DELETED, None, states.SHUTDOWN),
                         (row.vm_state, row.task_state, row.power_state))
        self.assertEqual(self.now + datetime.timedelta(seconds=86400),
                         row.reclaim_at)
        # Users do not see Destroyed VMs; the compute API shows it.
        self.assertEqual({}, self.listed())
        self.assertEqual({}, self.listed(state='Destroyed'))
        server = self.api.request('GET', '/v2.1/servers/' + self.uuid).json
        self.assertEqual('SOFT_DELETED', server['server']['status'])
        # Destroying it again answers it as it is.
        self.assertEqual('Destroyed', self.destroy()['virtualmachine'][
            'state'])

    def test_recover_and_expunge_are_for_admins(self):
        self.destroy()
        for command in ('recoverVirtualMachine', 'expungeVirtualMachine'):
            self.assertIn('Only admins', self.error(command, 531,
                                                    id=self.uuid))
        self.assertIn('Only admins', self.error(
            'destroyVirtualMachine', 531, id=self.uuid, expunge='true'))
        self.assertEqual(states.SOFT_DELETED, self.row().vm_state)

    def test_users_may_when_allowed(self):
        self.api.conf.config(group='cloudstack',
                             allow_user_expunge_recover_vm=True)
        self.destroy()
        vm = self.ok('recoverVirtualMachine', id=self.uuid)[
            'virtualmachine']
        self.assertEqual('Stopped', vm['state'])
        row = self.row()
        self.assertEqual((states.STOPPED, None, None),
                         (row.vm_state, row.task_state, row.reclaim_at))
        started = self.job(self.ok('startVirtualMachine', id=self.uuid))
        self.assertEqual('Running', started['virtualmachine']['state'])

    def test_the_compute_api_restores_a_destroyed_vm(self):
        self.destroy()
        resp = self.api.request('POST', '/v2.1/servers/%s/action'
                                % self.uuid, {'restore': None})
        self.assertEqual(202, resp.status_code)
        self.assertEqual({self.uuid: 'Running'}, self.listed())

    def test_expunge_delay_zero_expunges_at_once(self):
        self.api.conf.config(group='cloudstack', expunge_delay=0)
        self.assertEqual('Expunging', self.destroy()['virtualmachine'][
            'state'])
        self.assertEqual(states.DELETED, self.row().vm_state)


class AdminTest(_DestroyedTestCase):

    roles = ['admin', 'member', 'reader']

    def test_admins_list_recover_and_expunge(self):
        self.destroy()
        self.assertEqual({self.uuid: 'Destroyed'}, self.listed())
        self.assertEqual({self.uuid: 'Destroyed'},
                         self.listed(state='Destroyed'))
        self.assertEqual('Stopped', self.ok(
            'recoverVirtualMachine', id=self.uuid)['virtualmachine'][
                'state'])
        self.assertIn('not Destroyed', self.error(
            'expungeVirtualMachine', 431, id=self.uuid))
        self.assertIn('vm_state stopped', self.error(
            'recoverVirtualMachine', 431, id=self.uuid))
        self.destroy()
        self.assertEqual({'success': True}, self.job(self.ok(
            'expungeVirtualMachine', id=self.uuid)))
        self.assertEqual(states.DELETED, self.row().vm_state)
        self.assertEqual([], self.compute.driver.list_instances())

    def test_destroy_with_expunge_deletes_at_once(self):
        self.assertEqual('Expunging', self.destroy(expunge='true')[
            'virtualmachine']['state'])
        self.assertEqual(states.DELETED, self.row().vm_state)

    def test_the_reclaim_periodic_expunges_after_the_delay(self):
        self.api.conf.config(group='cloudstack', expunge_delay=600)
        self.destroy()
        manager = self.compute.manager
        self.assertEqual(0, manager.reclaim_queued_deletes())
        timeutils.set_time_override(self.now + datetime.timedelta(
            seconds=600))
        self.assertEqual(1, manager.reclaim_queued_deletes())
        self.assertEqual({}, self.listed())
