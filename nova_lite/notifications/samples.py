"""Sample notifications of every event, built by the real emit helpers.

``samples()`` runs each helper of ``nova_lite.notifications`` on fixed
example data and records what it would send (``send`` is swapped for a
recorder while it runs): the payloads are the real payload code's.
tools/gen-notification-samples.py writes them to
doc/notification_samples/<event_type>.json, a unit test checks the files
against them (uuids and times aside), and the functional test compares
what services send with the files.
"""
import contextlib
import datetime

from nova_lite import exception
from nova_lite import notifications
from nova_lite.notifications.objects import exception as exc_payload
from nova_lite import objects
from nova_lite.objects import instance as instance_obj

UUID = '178b0921-8f85-4257-88b6-2e743b5a975c'
MEMBER = '54238a20-f9be-47a7-897e-d7cb0e4c2d5a'
HOST = 'compute'
TIME = datetime.datetime(2012, 10, 29, 13, 42, 11)


class _Context:
    """The request context fields payloads take."""
    request_id = 'req-5b6c791d-5709-4f36-8fbe-c3e02869e35d'
    user_id = 'fake'
    project_id = '6f70656e737461636b20342065766572'
    is_admin = False

    def to_dict(self):
        return {'request_id': self.request_id, 'user_id': self.user_id,
                'project_id': self.project_id}


def _instance(**values):
    base = dict(
        uuid=UUID, display_name='some-server', hostname='some-server',
        project_id=_Context.project_id, user_id=_Context.user_id,
        image_ref='155d900f-4e14-4e4c-a73d-069cbf4541e6',
        flavor_id='1', flavor_name='m1.tiny', vcpus=1, memory_mb=512,
        root_gb=1, ephemeral_gb=0, host=HOST, node='fake-mini',
        vm_state='active', task_state=None, power_state=1,
        reservation_id='r-npxv0e40', launch_index=0,
        availability_zone='nova', key_name='my-key',
        metadata={'name': 'value'}, created_at=TIME,
        instance_name='instance-00000001')
    base.update(values)
    return instance_obj.Instance(**base)


def _vifs():
    return [instance_obj.VIF(address='192.168.1.3', mac='fa:16:3e:4c:2c:30',
                             network_label='private', network_id=1,
                             cidr='192.168.1.0/24', gateway='192.168.1.1',
                             bridge='br-nova-lite')]


@contextlib.contextmanager
def _recording():
    sent = {}
    real = notifications.send

    def record(context, event_type, payload, binary, host,
               priority='INFO'):
        sent[event_type] = {'event_type': event_type,
                            'priority': priority,
                            'publisher_id': '%s:%s' % (binary, host),
                            'payload': payload.obj_to_primitive()}
    notifications.send = record
    try:
        yield sent
    finally:
        notifications.send = real


def _fault():
    try:
        raise exception.NoValidHost(reason='')
    except exception.NoValidHost as exc:
        fault = exc_payload.ExceptionPayload.from_exception(exc)
    # The real text names this checkout's path: keep its first line.
    fault.traceback = fault.traceback.splitlines()[0] + '\n...\n'
    return fault


def _instance_events(ctxt):
    n = notifications
    vifs = _vifs()
    building = dict(state='building', task_state='spawning',
                    power_state='pending')
    n.instance_action(ctxt, _instance(), 'instance.create.start', HOST,
                      network_info=vifs, **building)
    n.instance_action(ctxt, _instance(), 'instance.create.end', HOST,
                      network_info=vifs, launched_at=TIME)
    n.instance_action(ctxt, _instance(host=None, node=None),
                      'instance.create.error', 'controller',
                      binary=n.CONDUCTOR, fault=_fault(), state='error',
                      task_state=None, power_state='pending')
    n.instance_action(ctxt, _instance(task_state='deleting'),
                      'instance.delete.start', HOST, network_info=vifs)
    n.instance_action(ctxt, _instance(), 'instance.delete.end', HOST,
                      state='deleted', task_state=None, power_state=None,
                      terminated_at=TIME)
    for action, task, before, after in (
            ('reboot', 'rebooting', 'active', 'active'),
            ('power_off', 'powering-off', 'active', 'stopped'),
            ('power_on', 'powering-on', 'stopped', 'active')):
        inst = _instance(vm_state=before, task_state=task)
        n.instance_action(ctxt, inst, 'instance.%s.start' % action, HOST,
                          network_info=vifs)
        n.instance_action(ctxt, inst, 'instance.%s.end' % action, HOST,
                          network_info=vifs, state=after, task_state=None,
                          power_state='running' if after == 'active'
                          else 'shutdown')
    n.instance_action(ctxt, _instance(task_state='rebooting'),
                      'instance.reboot.error', HOST, network_info=vifs,
                      fault=_fault(), task_state=None)
    n.compute_exception(ctxt, exception.NoValidHost(reason=''), HOST)
    n.instance_exists(ctxt, _instance(), HOST,
                      datetime.datetime(2012, 10, 1),
                      datetime.datetime(2012, 11, 1), launched_at=TIME)


#: action → (task_state, vm_state before, vm_state after, power_state
#: after) of the lifecycle actions whose start/end differ only by state.
_LIFECYCLE = {
    'pause': ('pausing', 'active', 'paused', 'paused'),
    'unpause': ('unpausing', 'paused', 'active', 'running'),
    'suspend': ('suspending', 'active', 'suspended', 'shutdown'),
    'resume': ('resuming', 'suspended', 'active', 'running'),
    'soft_delete': ('soft-deleting', 'active', 'soft-delete', 'shutdown'),
    'restore': ('restoring', 'soft-delete', 'active', 'running'),
    'rescue': ('rescuing', 'active', 'rescued', 'running'),
    'unrescue': ('unrescuing', 'rescued', 'active', 'running'),
    'shelve': ('shelving', 'active', 'shelved', 'shutdown'),
    'unshelve': ('unshelving', 'shelved_offloaded', 'active', 'running'),
    'rebuild': ('rebuilding', 'active', 'active', 'running'),
    'snapshot': ('image_snapshot', 'active', 'active', 'running'),
}
SNAPSHOT_IMAGE = 'd2aae36f-785c-4518-8016-bc9534d9fc7f'
NEW_FLAVOR = {'flavorid': '2', 'name': 'm1.small', 'vcpus': 1,
              'memory_mb': 2048, 'root_gb': 20, 'ephemeral_gb': 0}


def _lifecycle_events(ctxt):
    """instance.<action>.start/end of pause ... snapshot, the shelve
    offload, the resize family and the error variants Nova has."""
    n = notifications
    vifs = _vifs()
    extra = {'rescue': {'rescue_image_ref': _instance().image_ref},
             'snapshot': {'snapshot_image_id': SNAPSHOT_IMAGE}}
    for action, (task, before, after, power) in _LIFECYCLE.items():
        inst = _instance(vm_state=before, task_state=task)
        more = extra.get(action, {})
        n.instance_action(ctxt, inst, 'instance.%s.start' % action, HOST,
                          network_info=vifs, **more)
        n.instance_action(ctxt, inst, 'instance.%s.end' % action, HOST,
                          network_info=vifs, state=after, task_state=None,
                          power_state=power, **more)
    n.instance_action(ctxt, _instance(task_state='rebuild_spawning'),
                      'instance.rebuild.error', HOST, network_info=vifs,
                      fault=_fault(), state='error', task_state=None,
                      power_state='pending')
    # An evacuation's destination, once the guest runs there.
    n.instance_action(ctxt, _instance(task_state='rebuild_spawning'),
                      'instance.evacuate', HOST, network_info=vifs,
                      state='active', task_state=None,
                      power_state='running', host=HOST, node=HOST)
    offload = _instance(vm_state='shelved',
                        task_state='shelving_offloading', power_state=4)
    n.instance_action(ctxt, offload, 'instance.shelve_offload.start', HOST,
                      network_info=vifs)
    n.instance_action(ctxt, offload, 'instance.shelve_offload.end', HOST,
                      network_info=vifs, state='shelved_offloaded',
                      task_state=None, power_state='pending', host=None,
                      node=None)
    _resize_events(ctxt, vifs)
    _interface_events(ctxt, vifs)
    _volume_events(ctxt, vifs)
    _live_migration_events(ctxt, vifs)


def _interface_events(ctxt, vifs):
    """instance.interface_attach.start/end/error and
    instance.interface_detach.start/end (doc/interfaces.md): the NICs of
    .start are the guest's before the change, of .end after it."""
    n = notifications
    inst = _instance()
    second = instance_obj.VIF(
        address='192.168.1.4', mac='fa:16:3e:4c:2c:31',
        network_label='private', network_id=1, cidr='192.168.1.0/24',
        gateway='192.168.1.1', bridge='br-nova-lite')
    n.instance_action(ctxt, inst, 'instance.interface_attach.start', HOST,
                      network_info=vifs)
    n.instance_action(ctxt, inst, 'instance.interface_attach.end', HOST,
                      network_info=vifs + [second])
    n.instance_action(ctxt, inst, 'instance.interface_attach.error', HOST,
                      network_info=vifs, fault=_fault())
    n.instance_action(ctxt, inst, 'instance.interface_detach.start', HOST,
                      network_info=vifs + [second])
    n.instance_action(ctxt, inst, 'instance.interface_detach.end', HOST,
                      network_info=vifs)


VOLUME = 'a07f71dc-8151-4e7d-a0cc-cd24a3f11113'


def _volume_events(ctxt, vifs):
    """instance.volume_attach.start/end/error and
    instance.volume_detach.start/end (doc/volumes.md)."""
    inst = _instance()
    for event in ('volume_attach.start', 'volume_attach.end',
                  'volume_detach.start', 'volume_detach.end'):
        notifications.instance_action(ctxt, inst, 'instance.' + event, HOST,
                                      network_info=vifs, volume_id=VOLUME)
    notifications.instance_action(ctxt, inst, 'instance.volume_attach.error',
                                  HOST, network_info=vifs, fault=_fault(),
                                  volume_id=VOLUME)


def _live_migration_events(ctxt, vifs):
    """The live migration family (doc/migrations-servers.md): pre on
    the destination, post, rollback, abort and force_complete on the
    source."""
    n = notifications
    inst = _instance(task_state='migrating')
    for name in ('pre', 'post', 'rollback', 'abort', 'force_complete'):
        event = 'instance.live_migration_%s.' % name
        n.instance_action(ctxt, inst, event + 'start', HOST,
                          network_info=vifs)
        ended = {'task_state': None} if name in ('post', 'rollback',
                                                 'abort') else {}
        if name == 'post':
            ended.update(host='compute2', node='compute2')
        n.instance_action(ctxt, inst, event + 'end', HOST,
                          network_info=vifs, **ended)


def _resize_events(ctxt, vifs):
    n = notifications
    inst = _instance(task_state='resize_prep')
    for phase in ('start', 'end'):
        n.instance_action(ctxt, inst, 'instance.resize_prep.' + phase,
                          HOST, network_info=vifs, new_flavor=NEW_FLAVOR)
    inst = _instance(task_state='resize_migrating')
    n.instance_action(ctxt, inst, 'instance.resize.start', HOST,
                      network_info=vifs)
    n.instance_action(ctxt, inst, 'instance.resize.end', HOST,
                      network_info=vifs, task_state='resize_migrated',
                      power_state='shutdown')
    n.instance_action(ctxt, inst, 'instance.resize.error', HOST,
                      network_info=vifs, fault=_fault(), task_state=None)
    resized = _instance(task_state='resize_finish', flavor_id='2',
                        flavor_name='m1.small', memory_mb=2048, root_gb=20)
    n.instance_action(ctxt, resized, 'instance.resize_finish.start', HOST,
                      network_info=vifs)
    n.instance_action(ctxt, resized, 'instance.resize_finish.end', HOST,
                      network_info=vifs, state='resized', task_state=None)
    resized = _instance(vm_state='resized', flavor_id='2',
                        flavor_name='m1.small', memory_mb=2048, root_gb=20)
    n.instance_action(ctxt, resized, 'instance.resize_confirm.start', HOST)
    n.instance_action(ctxt, resized, 'instance.resize_confirm.end', HOST,
                      state='active', task_state=None)
    reverting = _instance(vm_state='resized', task_state='resize_reverting',
                          flavor_id='2', flavor_name='m1.small',
                          memory_mb=2048, root_gb=20)
    n.instance_action(ctxt, reverting, 'instance.resize_revert.start', HOST,
                      network_info=vifs)
    n.instance_action(ctxt, _instance(vm_state='resized',
                                      task_state='resize_reverting'),
                      'instance.resize_revert.end', HOST,
                      network_info=vifs, state='active', task_state=None)


def _api_events(ctxt):
    n = notifications
    service = {'uuid': 'fa69c544-906b-4a6a-a9c6-c1f7a8078c73',
               'host': 'host1', 'binary': 'nova-lite-compute',
               'topic': 'compute', 'report_count': 1, 'disabled': False,
               'disabled_reason': None, 'forced_down': False,
               'last_seen_up': TIME, 'version': 0, 'zone': 'nova'}
    for action in ('create', 'update', 'delete'):
        n.service(ctxt, action, service, host='host1')
    aggregate = {'id': 1, 'uuid': '788608ec-ebdc-45c5-bc7f-e5f24ab92c80',
                 'name': 'my-aggregate', 'hosts': ['compute'],
                 'metadata': {'availability_zone': 'nova'},
                 'availability_zone': 'nova'}
    for action in ('create', 'delete', 'add_host', 'remove_host',
                   'update_metadata'):
        for phase in ('start', 'end'):
            n.aggregate(ctxt, 'aggregate.%s.%s' % (action, phase),
                        aggregate)
    keypair = {'user_id': _Context.user_id, 'name': 'my-key',
               'public_key': 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQ '
                             'Generated-by-Nova',
               'fingerprint': '1e:2c:9b:56:79:4b:45:77:f9:ca:7a:98:2c:'
                              'b0:d5:3c', 'type': 'ssh'}
    for event in ('keypair.create.start', 'keypair.create.end',
                  'keypair.import.start', 'keypair.import.end',
                  'keypair.delete.start', 'keypair.delete.end'):
        n.keypair(ctxt, event, keypair)
    group = {'uuid': '788608ec-ebdc-45c5-bc7f-e5f24ab92c80',
             'name': 'test-server-group', 'policy': 'anti-affinity',
             'user_id': _Context.user_id,
             'project_id': _Context.project_id, 'members': []}
    for event in ('server_group.create', 'server_group.delete'):
        n.server_group(ctxt, event, group)
    n.server_group(ctxt, 'server_group.add_member',
                   dict(group, members=[MEMBER]))


def samples():
    """{event_type: {'event_type', 'priority', 'publisher_id',
    'payload'}} of every event nova_lite sends (instance.update aside:
    see ``instance_update_sample``)."""
    objects.register_all()
    ctxt = _Context()
    with _recording() as sent:
        _instance_events(ctxt)
        _lifecycle_events(ctxt)
        _api_events(ctxt)
    with _recording() as update:
        _instance_update(ctxt)
    sent.update(update)
    return sent


def _instance_update(ctxt):
    from oslo_config import cfg
    conf = cfg.CONF.notifications
    mode = conf.notify_on_state_change
    cfg.CONF.set_override('notify_on_state_change', 'vm_and_task_state',
                          group='notifications')
    try:
        notifications.instance_update(
            ctxt, _instance(), HOST, 'building', 'spawning',
            network_info=_vifs(), state='active', task_state=None)
    finally:
        cfg.CONF.set_override('notify_on_state_change', mode,
                              group='notifications')
