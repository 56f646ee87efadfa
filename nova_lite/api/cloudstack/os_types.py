"""Guest OS types (CloudStack API reference, "Guest OS"; listOsTypes is
``commands.catalog``'s).

nova_lite keeps no OS type table: an OS type is an entry of ``OS_TYPES``
mapped onto the image properties the compute API knows, ``os_distro``
(the Glance "useful image properties" values) and ``os_type`` (linux or
windows). ``id`` and ``oscategoryid`` are UUIDs derived from the names
(stable across restarts and hosts). registerTemplate and createTemplate
write an ``ostypeid``'s properties on the image; a template shows the
OS type of its ``os_distro`` (``ostypeid``, ``ostypename``).
"""
import uuid as uuidlib

from nova_lite.api.cloudstack import errors

_NAMESPACE = uuidlib.UUID('0e7c9ab2-6c5e-4f0c-9d0c-8e0f4a3b7a21')

#: (description, os_distro or None, os_type, category).
OS_TYPES = (
    ('CentOS (64-bit)', 'centos', 'linux', 'CentOS'),
    ('Debian GNU/Linux (64-bit)', 'debian', 'linux', 'Debian'),
    ('Fedora Linux (64-bit)', 'fedora', 'linux', 'Other'),
    ('FreeBSD (64-bit)', 'freebsd', 'linux', 'Unix'),
    ('openSUSE (64-bit)', 'opensuse', 'linux', 'SUSE'),
    ('Other Linux (64-bit)', None, 'linux', 'Other'),
    ('Red Hat Enterprise Linux (64-bit)', 'rhel', 'linux', 'RedHat'),
    ('Ubuntu (64-bit)', 'ubuntu', 'linux', 'Ubuntu'),
    ('Windows Server (64-bit)', 'windows', 'windows', 'Windows'),
)


def _id(name):
    return str(uuidlib.uuid5(_NAMESPACE, name))


def _view(description, distro, os_type, category):
    return {'id': _id(description), 'description': description,
            'oscategoryid': _id('category:' + category),
            'oscategoryname': category, 'isuserdefined': False,
            'fordisplay': True}


def all_types():
    """The ``listOsTypes`` objects, by description."""
    return [_view(*entry) for entry in OS_TYPES]


def image_properties(request, ostypeid, param='ostypeid'):
    """The image properties of OS type ``ostypeid``: ``os_type`` and,
    where the type has one, ``os_distro``.

    :raises: InvalidParameter (431) for an unknown OS type
    """
    for description, distro, os_type, _category in OS_TYPES:
        if _id(description) == ostypeid:
            props = {'os_type': os_type}
            if distro:
                props['os_distro'] = distro
            return props
    raise errors.InvalidParameter(
        'Unable to execute API command %s due to invalid value %s for '
        'parameter %s: no such OS type (see listOsTypes)' % (
            request.command.name.lower(), ostypeid[:64], param))


def of_image(properties):
    """``(ostypeid, ostypename)`` of an image's properties: the OS type of
    its ``os_distro``, else 'Other Linux (64-bit)' for a Linux (or
    unknown) image."""
    distro = (properties or {}).get('os_distro')
    for description, os_distro, _os_type, _category in OS_TYPES:
        if os_distro == distro:
            return _id(description), description
    other = 'Other Linux (64-bit)'
    return _id(other), distro or other
