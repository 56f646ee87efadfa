"""The emit helpers honour [notifications] notification_format (through
oslo.messaging's in-memory ``test`` notification driver)."""
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import oslo_messaging as messaging
from oslo_messaging.notify import _impl_test
import testtools

from nova_lite import conf  # noqa: F401 - registers [notifications]
from nova_lite import notifications
from nova_lite.notifications import samples


class TestFormats(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # Registers [oslo_messaging_notifications].
        messaging.get_notification_transport(cfg.CONF, url='fake://')
        self.conf = self.useFixture(config_fixture.Config())
        self.conf.config(transport_url='fake://')
        self.conf.config(driver=['test'],
                         group='oslo_messaging_notifications')
        _impl_test.reset()
        self.addCleanup(notifications.reset)
        self.addCleanup(_impl_test.reset)

    def _emit(self, fmt):
        self.conf.config(notification_format=fmt, group='notifications')
        notifications.instance_action(
            samples._Context(), samples._instance(), 'instance.create.end',
            'node1', network_info=samples._vifs())
        return _impl_test.NOTIFICATIONS

    def test_versioned(self):
        sent = self._emit('versioned')
        self.assertEqual(1, len(sent))
        ctxt, message, priority, retry = sent[0]
        self.assertEqual('instance.create.end', message['event_type'])
        self.assertEqual('nova-lite-compute:node1', message['publisher_id'])
        self.assertEqual('INFO', priority)
        self.assertEqual('InstanceActionPayload',
                         message['payload']['nova_object.name'])
        self.assertEqual('192.168.1.3', message['payload'][
            'nova_object.data']['ip_addresses'][0]['nova_object.data'][
            'address'])

    def test_unversioned(self):
        sent = self._emit('unversioned')
        self.assertEqual(1, len(sent))
        message = sent[0][1]
        self.assertEqual('compute.instance.create.end',
                         message['event_type'])
        self.assertEqual('192.168.1.3',
                         message['payload']['ip_addresses'][0]['address'])

    def test_both(self):
        self.assertEqual(2, len(self._emit('both')))

    def test_none(self):
        self.assertEqual([], self._emit('none'))

    def test_state_change_only_when_asked(self):
        self.conf.config(notification_format='versioned',
                         group='notifications')
        args = (samples._Context(), samples._instance(), 'node1',
                'building', 'spawning')
        notifications.instance_update(*args, state='active',
                                      task_state=None)
        self.assertEqual([], _impl_test.NOTIFICATIONS)
        self.conf.config(notify_on_state_change='vm_state',
                         group='notifications')
        notifications.instance_update(*args, state='active',
                                      task_state=None)
        message = _impl_test.NOTIFICATIONS[0][1]
        self.assertEqual('instance.update', message['event_type'])
        self.assertEqual('building', message['payload']['nova_object.data'][
            'state_update']['nova_object.data']['old_state'])
