"""The guest description the metadata content is made of, read from the
database (by the conductor for a compute's build, by the metadata service
per request), and the guest-facing secrets' bookkeeping.

Secrets (user data, keys, admin and guest passwords) pass through here:
nothing in this module logs them.
"""
from oslo_config import cfg

from nova_lite.db import guest_metadata as guest_db
from nova_lite.db import instances as instance_db
from nova_lite.db import network as network_db
from nova_lite.db import ports as port_db
from nova_lite import exception

CONF = cfg.CONF


def guest_data(context, instance_uuid):
    """The guest description of ``nova_lite.metadata.content`` (a
    JSON-safe dict, see its module doc) of a live instance, whatever its
    project (the caller authenticated the guest).

    :raises: InstanceNotFound
    """
    ctxt = context.elevated()
    row = instance_db.instance_get(ctxt, instance_uuid, project_only=False)
    tags = {p['uuid']: p['tag'] for p in port_db.ports_get(
        ctxt, device_id=instance_uuid) if p.get('tag')}
    nics = [{'address': fip['address'], 'mac': fip['mac'],
             'cidr': (fip['subnet'] or net)['cidr'],
             'gateway': (fip['subnet'] or {}).get('gateway_ip',
                                                  net['gateway']),
             'network_uuid': net['uuid'], 'label': net['label'],
             'tag': tags.get(fip['port_id'])}
            for net, fip in network_db.fixed_ips_get_by_instance(
                ctxt, instance_uuid)]
    return {
        'uuid': row.uuid, 'id': row.id, 'name': row.display_name,
        'hostname': row.hostname,
        'availability_zone': (row.availability_zone
                              or CONF.compute.default_availability_zone),
        'launch_index': row.launch_index or 0,
        'project_id': row.project_id,
        'reservation_id': row.reservation_id,
        'flavor_name': row.flavor_name, 'image_ref': row.image_ref,
        'key_name': row.key_name, 'key_data': row.key_data,
        'metadata': {m.key: m.value for m in row.metadata_items},
        'user_data': row.user_data, 'admin_pass': row.admin_pass,
        'config_drive': bool(row.config_drive),
        'networks': nics,
        'dns_nameservers': list(CONF.network.dns_nameservers),
    }


def instance_uuid_by_address(context, address, network_uuid=None):
    """The uuid of the instance with fixed IP ``address`` (on network
    ``network_uuid`` when given), or None."""
    return guest_db.instance_uuid_by_address(context.elevated(), address,
                                             network_uuid)


def take_admin_pass(context, guest):
    """The guest's admin password for this one answer, cleared from the
    database (None when it has none or another request took it first):
    the metadata service hands a password out once."""
    value = guest.get('admin_pass')
    if not value:
        return None
    if guest_db.admin_pass_take(context.elevated(), guest['uuid'], value):
        return value
    return None


def guest_password(context, instance_uuid):
    """The password the guest posted ('' when none).

    :raises: InstanceNotFound
    """
    row = instance_db.instance_get(context.elevated(), instance_uuid,
                                   project_only=False)
    return row.guest_password or ''


def set_guest_password(context, instance_uuid, password):
    """Store the guest's posted password, once.

    :raises: Conflict (409) when the guest already posted one
    """
    if not guest_db.guest_password_set_once(context.elevated(),
                                            instance_uuid, password):
        raise exception.Conflict(
            reason='the password of this instance was already set')


def clear_guest_password(context, instance_uuid):
    """Forget the guest's posted password (os-server-password DELETE)."""
    guest_db.guest_password_clear(context.elevated(), instance_uuid)
