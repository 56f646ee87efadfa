"""SQL of instance faults (``instance_faults``): why an instance went to
ERROR (code, message cut to 255 characters, details cut to what the
column holds, host, created_at
naive UTC).

Faults leave ``nova_lite.db`` as frozen ``Record`` read models with the
columns as attributes (the instance views read ``fault.code``...).
"""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import Record
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import writer
from nova_lite.db.text import fit_text


def fault_row(instance_uuid, code, message, details=None, host=None):
    """A new (unsaved) ``models.InstanceFault``, for writers that record a
    fault in their own transaction (``instances.instance_update``)."""
    return models.InstanceFault(instance_uuid=instance_uuid, code=code,
                                message=(message or '')[:255],
                                details=fit_text(details), host=host)


@retry_on_deadlock
def instance_fault_create(context, instance_uuid, code, message,
                          details=None, host=None):
    """Record why an instance failed; ``message`` is cut to 255 chars."""
    with writer(context) as session:
        session.add(fault_row(instance_uuid, code, message, details, host))


def latest_faults(session, instance_uuids):
    """``{instance uuid: Record}`` of the latest fault of each of
    ``instance_uuids`` that has one, in ``session`` (one statement; none
    when ``instance_uuids`` is empty)."""
    faults = {}
    if instance_uuids:
        fault = models.InstanceFault
        latest = (sa.select(sa.func.max(fault.id))
                  .where(fault.instance_uuid.in_(instance_uuids))
                  .group_by(fault.instance_uuid))
        for frow in session.scalars(sa.select(fault).where(
                fault.id.in_(latest))):
            faults[frow.instance_uuid] = Record(to_dict(frow))
    return faults
