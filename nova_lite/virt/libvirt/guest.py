"""Guest domains: lookup, power operations, state.

A guest is the persistent domain named ``instance.name`` (the instance
name stored at create time, see ``nova_lite.compute.naming``) whose
libvirt UUID is the instance's; it is looked up by that UUID, as Nova
does. The functions here act on one ``libvirt.virDomain`` (or find it on
a ``libvirt.virConnect``) and know nothing of files or images.
"""
import logging
import os
import time
from xml.sax import saxutils
import xml.etree.ElementTree as ET

import libvirt

from nova_lite import exception
from nova_lite.compute import naming
from nova_lite.compute import states

LOG = logging.getLogger(__name__)

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


def instance_uuid(dom, name_template):
    """Return the instance uuid of ``dom`` (its libvirt UUID) if it is one
    of our guests, else None: ours are named ``instance-<uuid>`` or as
    ``name_template`` (``[DEFAULT] instance_name_template``) names the
    instance of their UUID; other domains on the hypervisor are not."""
    uuid = dom.UUIDString()
    if naming.is_instance_name(name_template, dom.name(), uuid):
        return uuid
    return None


def list_instance_uuids(conn, name_template):
    """Return the instance uuids of our guests on ``conn``, running or
    not (list of str); see ``instance_uuid``."""
    uuids = []
    for dom in conn.listAllDomains(0):
        uuid = instance_uuid(dom, name_template)
        if uuid is not None:
            uuids.append(uuid)
    return uuids


def lookup(conn, instance, name_template):
    """Return the domain of ``instance`` on ``conn``: the domain whose
    UUID is the instance's, if it is one of our guests (named
    ``instance.name``, or see ``instance_uuid``). A domain of someone
    else's holding that UUID is never returned, so never stopped or
    undefined.

    :param name_template: ``[DEFAULT] instance_name_template``
    :raises: InstanceNotFound; libvirtError for other libvirt errors
    """
    try:
        dom = conn.lookupByUUIDString(instance.uuid)
    except libvirt.libvirtError as exc:
        if error_code(exc) == libvirt.VIR_ERR_NO_DOMAIN:
            raise exception.InstanceNotFound(
                instance_id=instance.uuid) from exc
        raise
    if (dom.name() != instance.name
            and instance_uuid(dom, name_template) is None):
        LOG.warning('Domain %s holds the uuid of instance %s but is not '
                    'its guest; leaving it alone', dom.name(), instance.uuid)
        raise exception.InstanceNotFound(instance_id=instance.uuid)
    return dom


def define_and_start(conn, xml):
    """Define the persistent domain ``xml`` (str) and start it.

    :returns: the ``libvirt.virDomain``
    :raises: libvirtError
    """
    dom = conn.defineXML(xml)
    dom.create()
    return dom


#: Namespace of the domain metadata naming the compute that owns it.
OWNER_NS = 'https://nova-lite.invalid/xmlns/owner/1.0'


def set_owner(dom, host):
    """Record ``host`` (the compute that spawned ``dom``) in the domain's
    metadata: computes sharing one libvirt daemon tell their guests
    apart by it (an evacuation's source and destination)."""
    dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT,
                    '<owner host=%s/>' % saxutils.quoteattr(host),
                    'nl', OWNER_NS, libvirt.VIR_DOMAIN_AFFECT_CONFIG)


def owner(dom):
    """The compute host ``set_owner`` recorded, or None (a domain of an
    older nova_lite, or none recorded)."""
    try:
        text = dom.metadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, OWNER_NS,
                            libvirt.VIR_DOMAIN_AFFECT_CONFIG)
    except libvirt.libvirtError:
        return None
    return ET.fromstring(text).get('host')


def uses_dir(dom, directory):
    """Whether a disk of ``dom`` is a file in ``directory``."""
    root = ET.fromstring(dom.XMLDesc(0))
    prefix = os.path.join(directory, '')
    return any((src.get('file') or '').startswith(prefix)
               for src in root.iter('source'))


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
    """Remove a stopped domain's definition with its managed save image
    and its snapshots' metadata (libvirt refuses to undefine a domain
    that has snapshots without ``VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA``;
    the snapshots' data is in its disk, removed with the instance
    directory); already gone is fine."""
    try:
        dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
                          | libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
    except libvirt.libvirtError as exc:
        if error_code(exc) != libvirt.VIR_ERR_NO_DOMAIN:
            raise


def remove(conn, instance, name_template):
    """Stop and undefine the domain of ``instance`` (see ``lookup``); a
    missing domain is skipped."""
    try:
        dom = lookup(conn, instance, name_template)
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
    ``timeout`` > 0, then power off. A stopped guest is left as is; a
    managed save image (a suspended guest) is removed, so the next start
    boots."""
    if not (timeout and clean_shutdown(dom, timeout)):
        stop(dom)
    drop_managed_save(dom)


def drop_managed_save(dom):
    """Remove the managed save image of ``dom`` if it has one."""
    if dom.hasManagedSaveImage(0):
        dom.managedSaveRemove(0)
        LOG.info('Dropped the saved memory of %s', dom.UUIDString())


def power_on(dom):
    """Start ``dom`` if it is stopped; a running one is left as is."""
    if not dom.isActive():
        dom.create()


# -- pause and suspend (doc/lifecycle.md) --------------------------------

def pause(dom):
    """Pause a running ``dom`` (``virDomainSuspend``: its vCPUs stop, its
    memory stays in QEMU); a paused one is left as is.

    :raises: libvirtError (e.g. the domain is not running)
    """
    state, _reason = dom.state()
    if state != libvirt.VIR_DOMAIN_PAUSED:
        dom.suspend()


def unpause(dom):
    """Let a paused ``dom`` run on (``virDomainResume``); a running one is
    left as is."""
    state, _reason = dom.state()
    if state == libvirt.VIR_DOMAIN_PAUSED:
        dom.resume()


def suspend(dom):
    """Save the memory of a running (or paused) ``dom`` to its managed
    save image and stop it (``virDomainManagedSave``); an inactive domain
    (already saved, or stopped) is left as is."""
    if dom.isActive():
        dom.managedSave(0)


def resume(dom):
    """Start an inactive ``dom``: from its managed save image when it has
    one (the guest goes on where it was, no boot), else it boots; a
    paused one runs on; a running one is left as is."""
    if not dom.isActive():
        dom.create()
        return
    unpause(dom)
