"""A restarted compute reconciles the volume attachments of its
instances with their guests (``compute.lifecycle.volume_recovery``):
an attach cut by the restart is undone, a lost detach finished, an
attached volume's export checked (volume RPC 1.2 ``ensure_export``)
and its disk plugged again into a guest that lost it, a disk whose
attachment is gone unplugged. A real ComputeManager with the fake
driver and the conductor's volume proxy in this thread
(``test_volume_attach``'s harness); the volume service is replaced at
its RPC boundary."""
import oslo_messaging as messaging

from nova_lite.compute.lifecycle import volume_recovery
from nova_lite.compute import recovery
from nova_lite.db import actions as action_db
from nova_lite.db import volume_attachments as attachment_db
from nova_lite.volume import server_volumes
from tests.unit.compute import test_volume_attach


class VolumeRecoveryTest(test_volume_attach.VolumeAttachTestCase):

    def restart(self):
        self.rpc.calls.clear()
        recovery.recover_host(self.api.admin_context, self.manager)

    def rpc_names(self):
        return [c[0] for c in self.rpc.calls]

    def attachments(self):
        return attachment_db.attachment_get_all(
            self.api.admin_context, instance_uuid=self.server_id,
            all_projects=True)

    def test_attach_cut_by_the_restart_is_undone(self):
        """The compute plugged the disk but died before reporting it:
        the disk goes, the export closes, the volume is available."""
        volume_id = self.volume()
        ctx = self.api.admin_context
        att = server_volumes.reserve(ctx, self.server_id, volume_id)
        info = server_volumes.connect(ctx, att['uuid'], {
            'ip': '192.0.2.7', 'host': 'node1'})
        self.driver.attach_volume(ctx, self.instance(), info, None)
        self.assertEqual('attaching', self.status(volume_id))
        # The API started the action before its call to the compute.
        action_db.action_start(ctx, self.server_id, 'attach_volume')
        self.restart()
        self.assertEqual({}, self.guest_volumes())
        self.assertEqual('available', self.status(volume_id))
        self.assertEqual([], self.attachments())
        self.assertIn('terminate_connection', self.rpc_names())
        self.assertEqual([('compute_attach_volume', 'Error')],
                         self.events('attach_volume'))

    def test_reserved_attachment_waits_for_its_call(self):
        """A call sent while the compute was down waits in its queue:
        the reservation is not undone."""
        volume_id = self.volume()
        att = server_volumes.reserve(self.api.admin_context, self.server_id,
                                     volume_id)
        self.restart()
        self.assertEqual('reserved', self.status(volume_id))
        self.manager.attach_volume(self.api.admin_context, self.server_id,
                                   volume_id, att['uuid'])
        self.assertEqual('in-use', self.status(volume_id))

    def test_lost_detach_is_finished(self):
        volume_id = self.volume()
        self.assertEqual(200, self.attach(volume_id).status_code)
        self.hold_casts = True          # the detach cast dies with us
        self.assertEqual(202, self.delete(self.url + '/' + volume_id)
                         .status_code)
        self.assertEqual('detaching', self.status(volume_id))
        self.assertEqual(['vdb'], list(self.guest_volumes()))
        self.restart()
        self.assertEqual({}, self.guest_volumes())
        self.assertEqual('available', self.status(volume_id))
        self.assertIn(('compute_detach_volume', 'Success'),
                      self.events('detach_volume'))

    def test_attached_volume_export_checked_and_disk_plugged_again(self):
        volume_id = self.volume()
        self.assertEqual(200, self.attach(volume_id, device='/dev/vdd')
                         .status_code)
        self.restart()
        # Nothing to do but the export check.
        self.assertEqual(['ensure_export'], self.rpc_names())
        self.assertEqual(['vdd'], list(self.guest_volumes()))
        # The guest lost the disk (redefined while we were down).
        self.driver.detach_volume(None, self.instance(), '/dev/vdd')
        self.restart()
        self.assertEqual(['vdd'], list(self.guest_volumes()))
        self.assertEqual('in-use', self.status(volume_id))

    def test_rescued_guest_gets_no_volume_plugged(self):
        volume_id = self.volume()
        self.assertEqual(200, self.attach(volume_id).status_code)
        # A rescue guest has no volume disks (its unrescue brings them).
        self.driver.detach_volume(None, self.instance(), '/dev/vdb')
        self.set_instance(self.server_id, vm_state='rescued')
        self.restart()
        self.assertEqual(['ensure_export'], self.rpc_names())
        self.assertEqual({}, self.guest_volumes())
        self.assertEqual('in-use', self.status(volume_id))

    def test_disk_of_a_gone_attachment_is_unplugged(self):
        volume_id = self.volume()
        self.assertEqual(200, self.attach(volume_id).status_code)
        # Released while we were down (the volume sweeper, an admin).
        server_volumes.release(self.api.admin_context,
                               self.attachments()[0]['uuid'])
        self.assertEqual(['vdb'], list(self.guest_volumes()))
        self.restart()
        self.assertEqual({}, self.guest_volumes())
        self.assertEqual('available', self.status(volume_id))

    def test_volume_service_down_does_not_stop_the_start(self):
        first, second = self.volume(), self.volume()
        for volume_id in (first, second):
            self.assertEqual(200, self.attach(volume_id).status_code)
        calls = []

        def timeout(*args, **kwargs):
            calls.append(args)
            raise messaging.MessagingTimeout('volume service down')
        self.rpc.ensure_export = timeout
        self.restart()
        self.assertEqual(1, len(calls))     # not once per attachment
        self.assertEqual(['vdb', 'vdc'], sorted(self.guest_volumes()))
        self.assertEqual('in-use', self.status(first))

    def test_guest_gone_keeps_the_attachment(self):
        volume_id = self.volume()
        self.assertEqual(200, self.attach(volume_id).status_code)
        self.driver.destroy(None, self.instance(), [])
        self.restart()
        self.assertEqual('in-use', self.status(volume_id))
        self.assertEqual(1, len(self.attachments()))

    def test_exports_owned_by_another_host_are_taken_back(self):
        """A move cut between its steps left the attachment owned by
        another host (doc/volumes.md, "Moves"): with no task left, the
        restarted compute takes the export back (this host only)."""
        volume_id = self.volume()
        self.assertEqual(200, self.attach(volume_id).status_code)
        att = self.attachments()[0]
        attachment_db.attachment_update(
            self.api.admin_context, att['uuid'], {
                'attached_host': 'elsewhere',
                'connector': {'ip': '192.0.2.9', 'host': 'elsewhere'}})
        self.restart()
        self.assertEqual(['export_access', 'ensure_export'],
                         self.rpc_names())
        # The owner is this host, no peer is kept.
        self.assertEqual(({'ip': '192.0.2.7', 'host': 'node1'}, []),
                         self.rpc.calls[0][4:6])
        self.assertEqual('node1', self.attachments()[0]['attached_host'])
        self.assertEqual(['vdb'], list(self.guest_volumes()))

    def test_exports_of_an_instance_in_a_move_are_left_to_it(self):
        volume_id = self.volume()
        self.assertEqual(200, self.attach(volume_id).status_code)
        att = self.attachments()[0]
        attachment_db.attachment_update(
            self.api.admin_context, att['uuid'], {
                'attached_host': 'elsewhere'})
        self.set_instance(self.server_id, task_state='migrating')
        self.rpc.calls.clear()
        volume_recovery.reconcile(self.api.admin_context, self.manager,
                                  [self.instance()])
        self.assertNotIn('export_access', self.rpc_names())
        self.assertEqual('elsewhere', self.attachments()[0]['attached_host'])
