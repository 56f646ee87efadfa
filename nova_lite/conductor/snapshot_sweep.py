"""The sweeper's snapshot pass (``conductor.sweeper.Sweeper.sweep`` runs
it): a snapshot (createImage, createBackup, CloudStack's createTemplate)
whose compute died in the middle and does not come back.

A snapshot's compute owns its task states (``image_snapshot``,
``image_backup``, ``image_pending_upload``, ``image_uploading``): when it
restarts it ends them itself (``compute.lifecycle.recovery``). While it
is down nobody would, and the server could take no other action. So an
instance in one of them, not updated for ``[conductor]
action_redrive_timeout`` seconds, whose compute service is down
(``servicegroup``: no heartbeat for ``[DEFAULT] service_down_time``) is
ended here as the restart would end it: the task cleared by a
conditional write (vm_state kept; the power state is left as recorded:
nobody can ask the hypervisor), an instance fault "Snapshot interrupted:
compute service on H is down", the ``compute_snapshot_instance`` event
an Error, and the instance's snapshot images that never became active
(``queued`` or ``saving``) deleted.

A snapshot whose compute is up is left alone, however long it takes (a
large disk uploads for long; a lost cast ends at the compute's next
restart, doc/lifecycle-images.md). A compute that was only cut off and
comes back finds its task gone: its next conditional write fails and it
deletes its image (``compute.lifecycle.snapshot``).
"""
import datetime

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite.conductor import lifecycle_proxy
from nova_lite.db import instances as instance_db
from nova_lite.db import services as service_db
from nova_lite import exception
from nova_lite.image import api as image_api

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
EVENT = 'compute_snapshot_instance'


def sweep(ctxt):
    """One pass; returns how many snapshots it ended (int)."""
    older = compute_utils.utcnow() - datetime.timedelta(
        seconds=CONF.conductor.action_redrive_timeout)
    rows = [r for r in instance_db.instances_stuck(
        ctxt, None, states.SNAPSHOT_TASKS, older) if r.host]
    if not rows:
        return 0
    up = service_db.compute_hosts_up(ctxt, [r.host for r in rows])
    return sum(1 for row in rows
               if row.host not in up and end_snapshot(ctxt, row))


def end_snapshot(ctxt, row):
    """End the snapshot of ``row`` (an instance Record) whose compute is
    down; True when the task was still the row's (a compute that came
    back meanwhile wins)."""
    message = ('Snapshot interrupted: compute service on %s is down'
               % row.host)
    event = {'name': EVENT, 'result': 'Error',
             'start': compute_utils.isotime(compute_utils.utcnow()),
             'details': message, 'finish_action': True}
    if not lifecycle_proxy.instance_action_failed(
            ctxt, row.uuid, {'task_state': None},
            {'task_state': row.task_state, 'host': row.host}, row.host,
            {'code': 500, 'message': message}, event):
        return False
    LOG.warning('Sweeper: the snapshot of %s on %s ended: the compute is '
                'down', row.uuid, row.host)
    delete_unfinished_images(ctxt, row.uuid)
    return True


def delete_unfinished_images(ctxt, instance_uuid):
    """Delete the snapshot images of ``instance_uuid`` still ``queued``
    or ``saving`` (image property ``instance_uuid``); errors are
    logged."""
    images = image_api.API()
    for status in ('queued', 'saving'):
        found = images.search(
            ctxt, {'status': status, 'visibility': 'all'},
            row_filter=lambda image: (image.get('properties') or {}).get(
                'instance_uuid') == instance_uuid)
        for image in found:
            try:
                images.delete(ctxt, image['uuid'])
            except exception.ImageNotFound:
                continue
            LOG.info('Sweeper: deleted the unfinished snapshot image %s '
                     'of %s', image['uuid'], instance_uuid)
