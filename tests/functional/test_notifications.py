"""Versioned notifications over RabbitMQ: a stack of separate processes
boots, reboots and deletes servers while an oslo.messaging notification
listener (on the stack's own vhost) consumes ``versioned_notifications``;
the sequence per server and the payload shapes are checked against
doc/notification_samples. A build no host can take (a flavor bigger
than any host) sends instance.create.error with the fault."""
import json
import os
import threading
import time

from oslo_config import cfg
import oslo_messaging as messaging
import testtools

from nova_lite.bench import client as compute_client
from nova_lite.conf import rpc as rpc_conf
from tests.functional.fixtures import processes

SAMPLES = os.path.join(processes.REPO_ROOT, 'doc', 'notification_samples')


def sample(event_type):
    with open(os.path.join(SAMPLES, event_type + '.json')) as f:
        return json.load(f)


def shape(value):
    """The object names and field names of a payload at every depth,
    without the values (plain dicts and lists are 'dict' and 'list':
    their content depends on the server)."""
    if isinstance(value, dict) and 'nova_object.data' in value:
        return (value['nova_object.name'], value['nova_object.version'],
                {k: shape(v) for k, v in value['nova_object.data'].items()})
    if isinstance(value, dict):
        return 'dict'
    if isinstance(value, list):
        return 'list'
    return None


class Endpoint:
    """Keeps every notification received, in order."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()

    def _keep(self, ctxt, publisher_id, event_type, payload, metadata,
              priority):
        with self.lock:
            self.received.append({'event_type': event_type,
                                  'publisher_id': publisher_id,
                                  'priority': priority,
                                  'payload': payload})

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self._keep(ctxt, publisher_id, event_type, payload, metadata,
                   'INFO')

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        self._keep(ctxt, publisher_id, event_type, payload, metadata,
                   'ERROR')


class TestVersionedNotifications(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(processes.MultiProcessStack(
            'mysql', hosts=('node1', 'node2'),
            conf={('fake', 'memory_mb'): 4096}))
        self.endpoint = Endpoint()
        conf = cfg.ConfigOpts()
        rpc_conf.register_opts(conf)    # nova_lite's durable queues
        conf([], project='nova_lite_test')
        transport = messaging.get_notification_transport(
            conf, url=self.stack.transport_url)
        self.addCleanup(transport.cleanup)
        listener = messaging.get_notification_listener(
            transport, [messaging.Target(topic='versioned_notifications',
                                         exchange='nova_lite')],
            [self.endpoint], executor='threading')
        listener.start()
        self.addCleanup(listener.wait)
        self.addCleanup(listener.stop)
        self.client = compute_client.ComputeClient(self.stack.api_url)
        self.image = self.client.image_id('tiny')

    def _events(self, uuid):
        with self.endpoint.lock:
            return [n for n in self.endpoint.received
                    if n['payload'].get('nova_object.data', {}).get(
                        'uuid') == uuid]

    def _wait_for(self, uuid, event_type, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [n for n in self._events(uuid)
                     if n['event_type'] == event_type]
            if found:
                return found[0]
            time.sleep(0.2)
        self.fail('no %s for %s; got %s' % (
            event_type, uuid, [n['event_type'] for n in self._events(
                uuid)]))

    def _check_shape(self, notification):
        expected = sample(notification['event_type'])
        self.assertEqual(expected['priority'], notification['priority'])
        self.assertEqual(expected['publisher_id'].split(':')[0],
                         notification['publisher_id'].split(':')[0])
        self.assertEqual(shape(expected['payload']),
                         shape(notification['payload']),
                         notification['event_type'])

    def test_boot_reboot_delete_sequence(self):
        ids = []
        for index in range(2):
            resp = self.client.create_server(name='n-%d' % index,
                                             image=self.image)
            self.assertEqual(202, resp.status_code, resp.text)
            ids.append(resp.json()['server']['id'])
        servers = self.client.wait_for_servers(ids)
        self.assertEqual({'ACTIVE'}, {s['status'] for s in
                                      servers.values()})
        for uuid in ids:
            self._wait_for(uuid, 'instance.create.end')
            resp = self.client.request(
                'POST', '/servers/%s/action' % uuid,
                json={'reboot': {'type': 'SOFT'}})
            self.assertEqual(202, resp.status_code, resp.text)
            self._wait_for(uuid, 'instance.reboot.end')
            self.assertEqual(204,
                             self.client.delete_server(uuid).status_code)
            self._wait_for(uuid, 'instance.delete.end')
        for uuid in ids:
            events = self._events(uuid)
            self.assertEqual(
                ['instance.create.start', 'instance.create.end',
                 'instance.reboot.start', 'instance.reboot.end',
                 'instance.delete.start', 'instance.delete.end'],
                [n['event_type'] for n in events])
            for notification in events:
                self._check_shape(notification)
                self.assertTrue(notification['publisher_id'].startswith(
                    'nova-lite-compute:node'))
            end = events[1]['payload']['nova_object.data']
            self.assertEqual('active', end['state'])
            self.assertEqual('running', end['power_state'])
            self.assertEqual(1, len(end['ip_addresses']))

    def test_no_valid_host_sends_create_error(self):
        # m1.large needs 8192 MiB: more than any host has.
        resp = self.client.create_server(name='big', flavor='4',
                                         image=self.image)
        self.assertEqual(202, resp.status_code, resp.text)
        uuid = resp.json()['server']['id']
        error = self._wait_for(uuid, 'instance.create.error')
        self._check_shape(error)
        self.assertEqual('ERROR', error['priority'])
        self.assertTrue(error['publisher_id'].startswith(
            'nova-lite-conductor:'))
        data = error['payload']['nova_object.data']
        self.assertEqual('error', data['state'])
        fault = data['fault']['nova_object.data']
        self.assertEqual('NoValidHost', fault['exception'])
        self.assertIn('RamFilter', fault['exception_message'])
