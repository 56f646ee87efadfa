"""Versioned notifications over RabbitMQ: a stack of separate processes
boots, reboots and deletes servers while an oslo.messaging notification
listener (on the stack's own vhost) consumes ``versioned_notifications``;
the sequence per server and the payload shapes are checked against
doc/notification_samples. A build no host can take (a flavor bigger
than any host) sends instance.create.error with the fault.

On the in-process stack (fake driver, notifications kept by oslo.
messaging's in-memory ``test`` driver): one server through every
lifecycle action (pause ... forceDelete) sends each action's
instance.<action>.start/.end in order, shaped as its sample; a failed
rebuild and a failed resize send instance.rebuild.error and
instance.resize.error."""
import json
import os
import threading
import time

import fixtures
from oslo_config import cfg
import oslo_messaging as messaging
from oslo_messaging.notify import _impl_test
import testtools

from nova_lite.bench import client as compute_client
from nova_lite.conf import rpc as rpc_conf
from nova_lite.db import instances as instance_db
from nova_lite import exception
from nova_lite import notifications
from nova_lite import policy
from tests.functional.fixtures import inprocess
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


class _ListenedStack(fixtures.Fixture):
    """A two-compute MultiProcessStack (4096 MiB per host) and a
    notification listener on its vhost keeping every notification in
    ``endpoint``."""

    def _setUp(self):
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


class TestVersionedNotifications(testtools.TestCase):
    """The tests share one stack and listener (stestr keeps a class on
    one worker): each looks only at its own servers' notifications."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shared = _ListenedStack()
        cls.shared.setUp()

    @classmethod
    def tearDownClass(cls):
        cls.shared.cleanUp()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.stack = self.shared.stack
        self.endpoint = self.shared.endpoint
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


class Captured(fixtures.Fixture):
    """Notifications of the in-process stack kept in memory (oslo.
    messaging's ``test`` driver) in the order they are sent."""

    def __init__(self, conf):
        super().__init__()
        self.conf = conf

    def _setUp(self):
        # Registers [oslo_messaging_notifications].
        messaging.get_notification_transport(cfg.CONF, url='fake://')
        self.conf.config(driver=['test'],
                         group='oslo_messaging_notifications')
        self.conf.config(notification_format='versioned',
                         group='notifications')
        notifications.reset()
        _impl_test.reset()
        self.addCleanup(notifications.reset)
        self.addCleanup(_impl_test.reset)

    def instance_events(self, uuid):
        """[(event_type, priority, publisher_id, payload)] of the
        instance.<action>.<phase> events of ``uuid`` (instance.update
        and instance.exists aside)."""
        found = []
        for _ctxt, message, priority, _retry in list(
                _impl_test.NOTIFICATIONS):
            data = message['payload'].get('nova_object.data', {})
            if data.get('uuid') != uuid or message['event_type'] in (
                    'instance.update', 'instance.exists'):
                continue
            found.append((message['event_type'], priority,
                          message['publisher_id'], message['payload']))
        return found


def _pair(action):
    return ['instance.%s.start' % action, 'instance.%s.end' % action]


#: The events of ``TestLifecycleNotifications``'s walk, in order.
_RESIZE = _pair('resize_prep') + _pair('resize') + _pair('resize_finish')
LIFECYCLE_SEQUENCE = (
    _pair('create') + _pair('pause') + _pair('unpause') +
    _pair('suspend') + _pair('resume') + _pair('rescue') +
    _pair('unrescue') + _pair('rebuild') + _pair('snapshot') +
    _pair('snapshot') + _RESIZE + _pair('resize_confirm') + _RESIZE +
    _pair('resize_revert') + _pair('shelve') + _pair('shelve_offload') +
    _pair('unshelve') + _pair('soft_delete') + _pair('restore') +
    _pair('soft_delete') + _pair('delete'))


class TestLifecycleNotifications(testtools.TestCase):
    """Every lifecycle action of one server on the in-process stack
    (fake driver, two computes, the API over HTTP so that the computes'
    image client works): the instance.<action>.start/end events arrive
    in order, each with the priority, publisher and payload shape of
    its doc/notification_samples file; failures send the .error events
    Nova has."""

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(inprocess.InProcessStack(
            {'node1': 'fake', 'node2': 'fake'},
            {('api', 'auth_strategy'): 'noauth',
             ('DEFAULT', 'reclaim_instance_interval'): 3600,
             ('DEFAULT', 'shelved_offload_time'): -1}))
        policy.reset()
        self.addCleanup(policy.reset)
        self.captured = self.useFixture(Captured(self.stack.conf))
        self.api = self.useFixture(inprocess.HTTPAPI(self.stack))
        self.image = self.stack.image['uuid']

    # -------------------------------------------------------------- helpers

    def row(self, uuid):
        try:
            return instance_db.instance_get(self.stack.admin, uuid)
        except exception.InstanceNotFound:
            return None

    def boot(self, name='life'):
        resp = self.api.request('POST', '/servers', json={'server': {
            'name': name, 'flavorRef': '1', 'imageRef': self.image}})
        self.assertEqual(202, resp.status_code, resp.text)
        uuid = resp.json()['server']['id']
        self.wait_event(uuid, 'instance.create.end')
        return uuid

    def count(self, uuid, event_type):
        return [e[0] for e in self.captured.instance_events(uuid)].count(
            event_type)

    def wait_event(self, uuid, event_type, times=1):
        """Wait for the ``times``-th ``event_type`` of ``uuid``, then for
        the instance to have no task (the event of a step may precede
        the write that clears its task)."""
        inprocess.wait_for(
            lambda: self.count(uuid, event_type) >= times, timeout=30,
            message='%s #%d of %s; got %s' % (
                event_type, times, uuid,
                [e[0] for e in self.captured.instance_events(uuid)]))
        inprocess.wait_for(
            lambda: getattr(self.row(uuid), 'task_state', None) is None,
            timeout=30, message='no task on %s' % uuid)

    def act(self, uuid, body, event_type, times=1, code=202, admin=False):
        resp = self.api.request(
            'POST', '/servers/%s/action' % uuid, json=body,
            headers={'X-Roles': 'admin,member'} if admin else None)
        self.assertEqual(code, resp.status_code, (body, resp.text))
        self.wait_event(uuid, event_type, times)
        return self.row(uuid)

    def check_against_samples(self, events):
        for event_type, priority, publisher, payload in events:
            expected = sample(event_type)
            self.assertEqual(expected['priority'], priority, event_type)
            self.assertEqual(expected['publisher_id'].split(':')[0],
                             publisher.split(':')[0], event_type)
            self.assertEqual(shape(expected['payload']), shape(payload),
                             event_type)

    # ---------------------------------------------------------------- tests

    def test_every_action_in_order(self):
        uuid = self.boot()
        for body, event, state in (
                ({'pause': None}, 'instance.pause.end', 'paused'),
                ({'unpause': None}, 'instance.unpause.end', 'active'),
                ({'suspend': None}, 'instance.suspend.end', 'suspended'),
                ({'resume': None}, 'instance.resume.end', 'active')):
            self.assertEqual(state, self.act(uuid, body, event).vm_state)
        self.assertEqual('rescued', self.act(
            uuid, {'rescue': {}}, 'instance.rescue.end', code=200).vm_state)
        self.assertEqual('active', self.act(
            uuid, {'unrescue': None}, 'instance.unrescue.end').vm_state)
        self.act(uuid, {'rebuild': {'imageRef': self.image}},
                 'instance.rebuild.end')
        self.act(uuid, {'createImage': {'name': 'snap'}},
                 'instance.snapshot.end')
        self.act(uuid, {'createBackup': {'name': 'bak', 'backup_type':
                                         'daily', 'rotation': 1}},
                 'instance.snapshot.end', times=2)
        self.resize(uuid, ('2', 'm1.small'), {'confirmResize': None},
                    'instance.resize_confirm.end', 1)
        self.resize(uuid, ('3', 'm1.medium'), {'revertResize': None},
                    'instance.resize_revert.end', 2)
        self.assertEqual('shelved', self.act(
            uuid, {'shelve': None}, 'instance.shelve.end').vm_state)
        self.assertEqual('shelved_offloaded', self.act(
            uuid, {'shelveOffload': None}, 'instance.shelve_offload.end',
            admin=True).vm_state)
        self.assertEqual('active', self.act(
            uuid, {'unshelve': None}, 'instance.unshelve.end').vm_state)
        self.soft_delete(uuid, 1)
        self.assertEqual('active', self.act(
            uuid, {'restore': None}, 'instance.restore.end').vm_state)
        self.soft_delete(uuid, 2)
        self.act(uuid, {'forceDelete': None}, 'instance.delete.end')

        events = self.captured.instance_events(uuid)
        self.assertEqual(LIFECYCLE_SEQUENCE, [e[0] for e in events])
        self.check_against_samples(events)
        self.assertEqual(
            {'nova-lite-compute'},
            {e[2].split(':')[0] for e in events})
        self.check_payloads(uuid, {e[0]: e[3]['nova_object.data']
                                   for e in events})

    def resize(self, uuid, flavor, finish, event, times):
        row = self.act(uuid, {'resize': {'flavorRef': flavor[0]}},
                       'instance.resize_finish.end', times)
        self.assertEqual(('resized', flavor[1]),
                         (row.vm_state, row.flavor_name))
        # confirmResize answers 204, revertResize 202 (the API reference).
        code = 204 if 'confirmResize' in finish else 202
        self.assertEqual('active', self.act(uuid, finish, event,
                                            code=code).vm_state)

    def soft_delete(self, uuid, times):
        self.assertEqual(204, self.api.request(
            'DELETE', '/servers/%s' % uuid).status_code)
        self.wait_event(uuid, 'instance.soft_delete.end', times)
        self.assertEqual('soft-delete', self.row(uuid).vm_state)

    def check_payloads(self, uuid, last):
        """The values that tell the actions apart (the last payload of
        each event type)."""
        self.assertEqual('image_backup',
                         last['instance.snapshot.start']['task_state'])
        self.assertEqual(
            last['instance.snapshot.start']['snapshot_image_id'],
            last['instance.snapshot.end']['snapshot_image_id'])
        self.assertEqual(self.image,
                         last['instance.rebuild.end']['image_uuid'])
        self.assertEqual(self.image,
                         last['instance.rescue.start']['rescue_image_ref'])
        new = last['instance.resize_prep.start']['new_flavor'][
            'nova_object.data']
        self.assertEqual(('3', 'm1.medium', 4096),
                         (new['flavorid'], new['name'], new['memory_mb']))
        for event, state, power in (
                ('instance.pause.end', 'paused', 'paused'),
                ('instance.suspend.end', 'suspended', 'shutdown'),
                ('instance.rescue.end', 'rescued', 'running'),
                ('instance.resize_finish.end', 'resized', 'running'),
                ('instance.resize_confirm.end', 'active', None),
                ('instance.resize_revert.end', 'active', 'running'),
                ('instance.shelve.end', 'shelved', 'shutdown'),
                ('instance.shelve_offload.end', 'shelved_offloaded',
                 'pending'),
                ('instance.unshelve.end', 'active', 'running'),
                ('instance.soft_delete.end', 'soft-delete', 'shutdown'),
                ('instance.restore.end', 'active', 'running')):
            self.assertEqual(state, last[event]['state'], event)
            if power:
                self.assertEqual(power, last[event]['power_state'], event)
            self.assertIsNone(last[event]['task_state'], event)
        self.assertEqual('m1.small',
                         last['instance.resize_revert.end']['flavor'][
                             'nova_object.data']['name'])
        self.assertIsNone(last['instance.shelve_offload.end']['host'])
        self.assertEqual(uuid, last['instance.delete.end']['uuid'])

    def test_interface_attach_and_detach(self):
        """instance.interface_attach.start/end (and .error for a failed
        hot-plug), instance.interface_detach.start/end, as the samples
        (doc/interfaces.md)."""
        uuid = self.boot()
        url = '/servers/%s/os-interface' % uuid
        self.stack.computes[self.row(uuid).host].driver.\
            interface_attach_fault = exception.NovaLiteException('injected')
        self.assertEqual(500, self.api.request('POST', url, json={
            'interfaceAttachment': {}}).status_code)
        resp = self.api.request('POST', url, json={'interfaceAttachment': {}})
        self.assertEqual(200, resp.status_code, resp.text)
        port_id = resp.json()['interfaceAttachment']['port_id']
        self.assertEqual(202, self.api.request(
            'DELETE', url + '/' + port_id).status_code)
        self.wait_event(uuid, 'instance.interface_detach.end')
        events = [e for e in self.captured.instance_events(uuid)
                  if '.interface_' in e[0]]
        self.assertEqual(['instance.interface_attach.start',
                          'instance.interface_attach.error',
                          'instance.interface_attach.start',
                          'instance.interface_attach.end',
                          'instance.interface_detach.start',
                          'instance.interface_detach.end'],
                         [e[0] for e in events])
        self.check_against_samples(events)

    def test_failures_send_error_events(self):
        uuid = self.boot('fails')
        host = self.row(uuid).host
        driver = self.stack.computes[host].driver
        spawn, broken = driver.spawn, [True]

        def spawn_or_fail(*args, **kwargs):
            if broken:
                raise exception.NovaLiteException('injected spawn failure')
            return spawn(*args, **kwargs)
        self.patch(driver, 'spawn', spawn_or_fail)
        row = self.act(uuid, {'rebuild': {'imageRef': self.image}},
                       'instance.rebuild.error')
        self.assertEqual('error', row.vm_state)
        broken.clear()
        driver.fail_resize = {'migrate'}
        # An ERROR server may be rebuilt (the compute API reference).
        self.assertEqual('active', self.act(
            uuid, {'rebuild': {'imageRef': self.image}},
            'instance.rebuild.end').vm_state)
        self.act(uuid, {'resize': {'flavorRef': '2'}},
                 'instance.resize.error')
        events = self.captured.instance_events(uuid)
        self.assertEqual(
            _pair('create') + _pair('rebuild')[:1] +
            ['instance.rebuild.error'] + _pair('rebuild') +
            _pair('resize_prep') + ['instance.resize.start',
                                    'instance.resize.error'],
            [e[0] for e in events])
        self.check_against_samples(events)
        errors = {e[0]: e for e in events if e[0].endswith('.error')}
        for name, (_t, priority, _p, payload) in errors.items():
            self.assertEqual('ERROR', priority, name)
            fault = payload['nova_object.data']['fault']['nova_object.data']
            self.assertIn('injected', fault['exception_message'], name)
