"""Guest domains: lookup, power operations, state.

A guest is the persistent domain ``instance-<uuid>`` whose libvirt UUID is
the instance's. The functions here act on one ``libvirt.virDomain`` (or
find it on a ``libvirt.virConnect``) and know nothing of files or images.
"""
import logging
import time

import libvirt
from oslo_utils import uuidutils

from nova_lite import exception
from nova_lite.compute import states

LOG = logging.getLogger(__name__)

DOMAIN_PREFIX = 'instance-'
# Seconds between two looks at a guest that is shutting down.
SHUTDOWN_POLL_INTERVAL = 0.5

# libvirt domain state -> power_state (virDomainState, libvirt-domain.h).
POWER_STATES = {
    libvirt.VIR_DOMAIN_NOSTATE: states.NOSTATE,
    libvirt.VIR_DOMAIN_RUNNING: states.RUNNING,
    libvirt.VIR_DOMAIN_BLOCKED: states.RUNNING,
    libvirt.VIR_DOMAIN_PAUSED: states.PAUSED,
    libvirt.VIR_DOMAIN_SHUTDOWN: states.SHUTDOWN,
    libvirt.VIR_DOMAIN_SHUTOFF: states.SHUTDOWN,
    libvirt.VIR_DOMAIN_CRASHED: states.CRASHED,
    libvirt.VIR_DOMAIN_PMSUSPENDED: states.SUSPENDED,
}


def error_code(exc):
    """The ``VIR_ERR_*`` code of a libvirtError."""
    return exc.get_error_code()


def uuid_from_domain_name(name):
    """Return the uuid of a domain named ``instance-<uuid>``, else None."""
    if not name.startswith(DOMAIN_PREFIX):
        return None
    uuid = name[len(DOMAIN_PREFIX):]
    return uuid if uuidutils.is_uuid_like(uuid) else None


def instance_uuid(dom):
    """Return the instance uuid of ``dom`` if it is one of our guests,
    else None (other domains on the hypervisor are not ours)."""
    return uuid_from_domain_name(dom.name())


def list_instance_uuids(conn):
    """Return the instance uuids of our guests on ``conn``, running or
    not (list of str)."""
    uuids = []
    for dom in conn.listAllDomains(0):
        uuid = instance_uuid(dom)
        if uuid is not None:
            uuids.append(uuid)
    return uuids


def lookup(conn, instance):
    """Return the domain of ``instance`` on ``conn``.

    :raises: InstanceNotFound; libvirtError for other libvirt errors
    """
    try:
        return conn.lookupByName(instance.name)
    except libvirt.libvirtError as exc:
        if error_code(exc) == libvirt.VIR_ERR_NO_DOMAIN:
            raise exception.InstanceNotFound(
                instance_id=instance.uuid) from exc
        raise


def define_and_start(conn, xml):
    """Define the persistent domain ``xml`` (str) and start it.

    :returns: the ``libvirt.virDomain``
    :raises: libvirtError
    """
    dom = conn.defineXML(xml)
    dom.create()
    return dom


def power_state(dom):
    """Return the ``nova_lite.compute.states`` power state of ``dom``."""
    state, _reason = dom.state()
    return POWER_STATES.get(state, states.NOSTATE)


def stop(dom):
    """Power a domain off at once; already stopped is fine."""
    try:
        if dom.isActive():
            dom.destroy()
    except libvirt.libvirtError as exc:
        if error_code(exc) not in (libvirt.VIR_ERR_OPERATION_INVALID,
                                   libvirt.VIR_ERR_NO_DOMAIN):
            raise


def undefine(dom):
    """Remove a stopped domain's definition; already gone is fine."""
    try:
        dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
    except libvirt.libvirtError as exc:
        if error_code(exc) != libvirt.VIR_ERR_NO_DOMAIN:
            raise


def remove(conn, instance):
    """Stop and undefine the domain of ``instance``; a missing domain is
    skipped."""
    try:
        dom = lookup(conn, instance)
    except exception.InstanceNotFound:
        return
    stop(dom)
    undefine(dom)


def wait_for_shutoff(dom, timeout):
    """Poll until ``dom`` is inactive; True if it was within ``timeout``
    seconds."""
    deadline = time.monotonic() + timeout
    while dom.isActive():
        if time.monotonic() >= deadline:
            return False
        time.sleep(SHUTDOWN_POLL_INTERVAL)
    return True


def clean_shutdown(dom, timeout):
    """Press the guest's ACPI power button and wait up to ``timeout``
    seconds for it to power off. Returns True when it is off."""
    if not dom.isActive():
        return True
    try:
        dom.shutdown()
    except libvirt.libvirtError as exc:
        if error_code(exc) != libvirt.VIR_ERR_OPERATION_INVALID:
            raise
    return wait_for_shutoff(dom, timeout)


def reboot(dom, reboot_type, soft_timeout):
    """Reboot ``dom``: 'SOFT' is an ACPI shutdown, waiting up to
    ``soft_timeout`` seconds, then a start; a guest that does not stop in
    time (or 'HARD') is powered off and started.

    :returns: 'SOFT' or 'HARD', the kind of reboot that was done
    """
    if reboot_type == 'SOFT' and clean_shutdown(dom, soft_timeout):
        dom.create()
        return 'SOFT'
    if reboot_type == 'SOFT':
        LOG.warning('%s did not shut down within %d s; hard rebooting',
                    dom.UUIDString(), soft_timeout)
    stop(dom)
    dom.create()
    return 'HARD'


def power_off(dom, timeout=0):
    """Stop ``dom``: ACPI shutdown for up to ``timeout`` seconds when
    ``timeout`` > 0, then power off. A stopped guest is left as is."""
    if timeout and clean_shutdown(dom, timeout):
        return
    stop(dom)


def power_on(dom):
    """Start ``dom`` if it is stopped; a running one is left as is."""
    if not dom.isActive():
        dom.create()
