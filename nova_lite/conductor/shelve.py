"""The conductor's part of shelve (doc/lifecycle-shelve.md; conductor
RPC API 1.7, ``conductor.rpcapi_shelve``): the database writes of the
computes' shelve steps (they have no database access) and the
scheduling of an unshelve of a SHELVED_OFFLOADED server.

An offloaded server has no host and no claim. Its unshelve goes through
the scheduler as a build does: ``select_destinations`` claims the
server's flavor on a host (of its pinned availability zone, or the host
an admin asked for: microversion 2.91), the conductor records the host
(``db.shelve.unshelve_place``, only while the claim is on that node) and
casts ``unshelve_instance`` to that compute, which spawns the guest from
the shelved image. When no host fits the server stays
SHELVED_OFFLOADED, its task cleared, with a fault (Nova's conductor does
the same).
"""
import datetime

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite.conductor import compute_proxy
from nova_lite.db import claims as claim_db
from nova_lite.db import instances as instance_db
from nova_lite.db import shelve as shelve_db
from nova_lite import exception
from nova_lite.image import api as image_api
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import request_spec as spec_obj

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
SCHEDULE_EVENT = 'conductor_unshelve_instance'


def _fault(message, host=None, code=500):
    return {'code': code, 'message': message[:255], 'host': host,
            'details': None}


# ------------------------------------------------- compute steps (1.7)

def instances_to_offload(context, host):
    """Uuids of the SHELVED instances of ``host`` (no task) kept longer
    than ``[DEFAULT] shelved_offload_time`` seconds; [] when that is 0
    or less (0 offloads at the end of the shelve, -1 never)."""
    keep = CONF.shelved_offload_time
    if keep <= 0:
        return []
    before = compute_utils.utcnow() - datetime.timedelta(seconds=keep)
    return shelve_db.instances_to_offload(context, host, before)


def instance_shelved(context, instance_uuid, host, image_id, power_state,
                     event):
    """The guest of ``host`` is off and its disk uploaded into
    ``image_id``: SHELVED with ``shelved_at`` now, ``shelved_image_id``
    and ``shelved_host``, when the task is still
    ``shelving_image_uploading``; ``event`` is recorded either way.

    :returns: True when it matched
    """
    matched = compute_proxy.instance_update(
        context, instance_uuid,
        {'vm_state': states.SHELVED, 'task_state': None,
         'power_state': power_state, 'shelved_at': compute_utils.utcnow(),
         'shelved_image_id': image_id, 'shelved_host': host},
        {'task_state': states.SHELVING_IMAGE_UPLOADING, 'host': host},
        host, event)
    return matched


def instance_offloaded(context, instance_uuid, host, expected_task_state,
                       fault=None, event=None):
    """The guest is gone from ``host`` (an offload, or a failed unshelve
    whose guest was removed): SHELVED_OFFLOADED with no host, the claim
    released, fixed IPs kept (``db.shelve.offload``); ``fault`` (dict
    code, message) recorded with it; ``event`` either way.

    :returns: True when the instance still had ``expected_task_state``
        (str or list) on ``host``
    """
    if isinstance(expected_task_state, list):
        expected_task_state = tuple(expected_task_state)
    if fault is not None:
        fault = _fault(fault['message'], host, fault.get('code', 500))
    matched = shelve_db.offload(context, instance_uuid, expected_task_state,
                                host, fault)
    if event is not None:
        compute_proxy._event(context, instance_uuid, host, event)
    if not matched:
        LOG.info('Offload of %s not recorded: it changed meanwhile',
                 instance_uuid)
    return matched


# ----------------------------------------------------- scheduling (1.7)

def request_spec(context, row, requested_host=None):
    """The RequestSpec of the unshelve of ``row`` (an offloaded
    instance): its flavor, the shelved image, its pinned zone and the
    host an admin asked for; no server group policy (as resizes,
    doc/lifecycle-shelve.md).

    :raises: ImageNotFound when the shelved image is gone
    """
    instance = instance_obj.Instance.from_db(row)
    # A volume-backed server was shelved without an image: it boots
    # from its root volume (as a build from a volume, no image).
    image = image_api.API().get(context.elevated(), row.shelved_image_id) \
        if row.shelved_image_id else None
    spec = spec_obj.RequestSpec(
        project_id=row.project_id, user_id=row.user_id,
        flavor=instance.flavor, image=image, num_instances=1,
        availability_zone=row.availability_zone, scheduler_hints={},
        ignore_hosts=[])
    spec.requested_host = requested_host
    return spec


class UnshelveFlow:
    """Schedules unshelves; ``scheduler`` and ``compute`` are RPC
    clients."""

    def __init__(self, scheduler_rpcapi, compute_rpcapi):
        self.scheduler = scheduler_rpcapi
        self.compute = compute_rpcapi

    def unshelve_instance(self, context, instance_uuid,
                          requested_host=None):
        """Claim a host for an offloaded instance whose task is
        ``unshelving`` and cast the unshelve to it (see the module doc);
        never raises."""
        start = compute_utils.utcnow()
        try:
            row = instance_db.instance_get(context, instance_uuid)
        except exception.InstanceNotFound:
            return
        if (row.vm_state, row.task_state, row.host) != (
                states.SHELVED_OFFLOADED, states.UNSHELVING, None):
            LOG.info('Not scheduling the unshelve of %s: %s/%s on %s',
                     instance_uuid, row.vm_state, row.task_state, row.host)
            return
        try:
            spec = request_spec(context, row, requested_host)
            (selection, *_rest), = self.scheduler.select_destinations(
                context, spec, [instance_uuid], return_alternates=False)
        except (exception.NoValidHost, exception.ImageNotFound,
                messaging.MessagingTimeout) as exc:
            message = ('Timed out waiting for the scheduler' if isinstance(
                exc, messaging.MessagingTimeout) else exc.format_message())
            self._failed(context, instance_uuid, message, start)
            return
        if not shelve_db.unshelve_place(
                context, instance_uuid, selection.service_host,
                selection.nodename, selection.compute_node_id):
            claim_db.unclaim(context, instance_uuid)
            LOG.info('Unshelve of %s changed while scheduling; claim on %s '
                     'released', instance_uuid, selection.service_host)
            return
        compute_proxy._event(context, instance_uuid, None,
                             _event(start, 'Success'))
        self.compute.unshelve_instance(context, selection.service_host,
                                       instance_uuid, row.shelved_image_id)

    @staticmethod
    def _failed(context, instance_uuid, message, start):
        """No host: the task is cleared (still SHELVED_OFFLOADED) with a
        fault and an Error event."""
        try:
            instance_db.instance_update(
                context, instance_uuid, {'task_state': None},
                fault=_fault(message), expected_task_state=states.UNSHELVING,
                expected_vm_state=states.SHELVED_OFFLOADED,
                expected_host=None)
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError):
            return
        compute_proxy._event(context, instance_uuid, None,
                             _event(start, 'Error', message))
        LOG.warning('Unshelve of %s not scheduled: %s', instance_uuid,
                    message)


def _event(start, result, details=None):
    return {'name': SCHEDULE_EVENT, 'result': result,
            'start': compute_utils.isotime(start), 'details': details,
            'finish_action': result != 'Success'}


class ShelveEndpoint:
    """The conductor's shelve methods (mixed into ``ConductorManager``;
    uses its ``build_flow``'s scheduler and compute clients)."""

    def unshelve_instance(self, context, instance_uuid,
                          requested_host=None):
        UnshelveFlow(self.build_flow.scheduler,
                     self.build_flow.compute).unshelve_instance(
            context, instance_uuid, requested_host)

    def instances_to_offload(self, context, host):
        return instances_to_offload(context, host)

    def instance_shelved(self, context, **kwargs):
        return instance_shelved(context, **kwargs)

    def instance_offloaded(self, context, **kwargs):
        return instance_offloaded(context, **kwargs)
