"""SQL of shelve (doc/lifecycle-shelve.md): the SHELVED instances due
for offload, the placement of an unshelve, and the offload itself (the
instance leaves its host and its claim is released in one
transaction; its fixed IPs are kept)."""
import sqlalchemy as sa

from nova_lite.db import claims as claim_db
from nova_lite.db import instance_faults
from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer

SHELVED = 'shelved'
SHELVED_OFFLOADED = 'shelved_offloaded'
UNSHELVING = 'unshelving'


def instances_to_offload(context, host, shelved_before):
    """Uuids (list of str, oldest shelve first) of the live SHELVED
    instances of ``host`` with no task, shelved at ``shelved_before``
    (naive UTC) or earlier."""
    inst = models.Instance
    query = sa.select(inst.uuid).where(
        inst.deleted == 0, inst.host == host, inst.vm_state == SHELVED,
        inst.task_state.is_(None), inst.shelved_at.isnot(None),
        inst.shelved_at <= shelved_before).order_by(inst.shelved_at,
                                                    inst.id)
    with reader(context) as session:
        return list(session.scalars(query))


@retry_on_deadlock
def unshelve_place(context, instance_uuid, host, node, compute_node_id):
    """Record the host and node the scheduler claimed for the unshelve
    of an offloaded instance (still SHELVED_OFFLOADED, ``unshelving``,
    no host), only while its claim is on ``compute_node_id``; under the
    instance's row lock.

    :returns: True when placed; False when the instance is deleted or
        no longer waits to be placed (the caller releases the claim)
    """
    with writer(context) as session:
        row = claim_db.locked_instance(session, instance_uuid)
        if (row is None or row.deleted != 0 or row.host is not None
                or row.vm_state != SHELVED_OFFLOADED
                or row.task_state != UNSHELVING):
            return False
        if claim_db.allocation_node(session, instance_uuid) != \
                compute_node_id:
            return False
        row.host, row.node, row.updated_at = host, node, utcnow()
        return True


@retry_on_deadlock
def offload(context, instance_uuid, expected_task_state, expected_host,
            fault=None):
    """The guest is gone from ``expected_host``: SHELVED_OFFLOADED, no
    task, no host or node, power state NOSTATE, and the claim released,
    in one transaction, when the instance has ``expected_task_state``
    (a value or a tuple) on that host. ``fault`` (dict code, message,
    details, host) is recorded with it (a failed unshelve).

    :returns: True when it matched
    """
    if not isinstance(expected_task_state, tuple):
        expected_task_state = (expected_task_state,)
    with writer(context) as session:
        row = claim_db.locked_instance(session, instance_uuid)
        if (row is None or row.deleted != 0 or row.host != expected_host
                or row.task_state not in expected_task_state):
            return False
        row.vm_state, row.task_state = SHELVED_OFFLOADED, None
        row.host = row.node = None
        row.power_state = 0
        row.updated_at = utcnow()
        claim_db.release_in_session(session, instance_uuid)
        if fault:
            session.add(instance_faults.fault_row(instance_uuid, **fault))
        return True
