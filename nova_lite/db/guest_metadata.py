"""SQL of guest metadata: an instance's guest-facing secrets (columns
``admin_pass`` and ``guest_password`` of ``instances``) and the lookup of
an instance by its fixed IP. Each write is one conditional UPDATE."""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer


def instance_uuid_by_address(context, address, network_uuid=None):
    """The uuid of the live instance holding fixed IP ``address`` (on
    the network ``network_uuid`` when given), or None."""
    fip, net, inst = models.FixedIP, models.Network, models.Instance
    query = sa.select(fip.instance_uuid).join(
        net, net.id == fip.network_id).join(
        inst, inst.uuid == fip.instance_uuid).where(
        fip.address == address, inst.deleted == 0)
    if network_uuid is not None:
        query = query.where(net.uuid == network_uuid)
    with reader(context) as session:
        rows = session.execute(query.limit(2)).scalars().all()
    # Two networks with the same address and no network given: ambiguous.
    return rows[0] if len(rows) == 1 else None


@retry_on_deadlock
def _update_where(context, instance_uuid, values, *conds):
    inst = models.Instance
    with writer(context) as session:
        return session.execute(
            sa.update(inst).where(inst.uuid == instance_uuid,
                                  inst.deleted == 0, *conds)
            .values(dict(values, updated_at=utcnow()))
            .execution_options(synchronize_session=False)).rowcount == 1


def admin_pass_take(context, instance_uuid, admin_pass):
    """Clear ``admin_pass`` if it still is ``admin_pass`` (the guest got
    it); True when this call cleared it."""
    inst = models.Instance
    return _update_where(context, instance_uuid, {'admin_pass': None},
                         inst.admin_pass == admin_pass)


def guest_password_set_once(context, instance_uuid, password):
    """Store the guest's password unless it has one; True when stored."""
    inst = models.Instance
    return _update_where(context, instance_uuid,
                         {'guest_password': password},
                         sa.or_(inst.guest_password.is_(None),
                                inst.guest_password == ''))


def guest_password_clear(context, instance_uuid):
    """Forget the guest's password; True when the instance exists."""
    return _update_where(context, instance_uuid, {'guest_password': None})


def access_reset(context, instance_uuid, values, vm_state):
    """Write ``values`` (key_name/key_data or admin_pass) while the
    instance is in ``vm_state`` with no task running; True when it
    was."""
    inst = models.Instance
    return _update_where(context, instance_uuid, values,
                         inst.vm_state == vm_state, inst.task_state.is_(None))
