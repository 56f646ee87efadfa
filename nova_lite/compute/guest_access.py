"""Guest access credentials of a server, API side: the password the
guest posted (os-server-password, CloudStack getVMPassword) and the key
and admin password the next boot hands the guest (CloudStack
resetSSHKeyForVirtualMachine and resetPasswordForVirtualMachine).

The next boot's metadata service answers carry them (the metadata
service reads the database per request); a config drive keeps the
content it was built with, as Nova's.
"""
import secrets

from nova_lite.compute import states
from nova_lite.db import guest_metadata as guest_db
from nova_lite import exception
from nova_lite.metadata import lookup

#: Characters of a generated password (URL-safe base64 of 9 bytes: 12).
PASSWORD_BYTES = 9


def get_password(context, instance_uuid):
    """The encrypted password the guest posted ('' when none).

    :raises: InstanceNotFound
    """
    return lookup.guest_password(context, instance_uuid)


def clear_password(context, instance_uuid):
    """Forget the guest's posted password (idempotent)."""
    lookup.clear_guest_password(context, instance_uuid)


def _reset(context, instance, values, action):
    if not guest_db.access_reset(context, instance.uuid, values,
                                 states.STOPPED):
        raise exception.InstanceInvalidState(
            action=action, instance_uuid=instance.uuid, attr='vm_state',
            state=instance.vm_state)


def reset_key(context, instance, key_name, key_data):
    """Give a stopped server the key pair ``key_name`` (public key
    ``key_data``) for its next boot.

    :raises: InstanceInvalidState (409) unless STOPPED with no task
    """
    _reset(context, instance, {'key_name': key_name, 'key_data': key_data},
           'resetSSHKey')


def reset_password(context, instance):
    """Generate a new admin password for the next boot of a stopped
    server (delivered once by the metadata service); returns it.

    :raises: InstanceInvalidState (409) unless STOPPED with no task
    """
    password = secrets.token_urlsafe(PASSWORD_BYTES)
    _reset(context, instance, {'admin_pass': password}, 'resetPassword')
    return password
