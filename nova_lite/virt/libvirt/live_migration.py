"""Live migration of the libvirt driver (``LibvirtDriver`` mixes in
``LiveMigrationMixin``; the contract is ``virt.live_migration``'s;
doc/migrations-servers.md).

* Checks: the destination writes a marker file into its
  ``[libvirt] instances_path`` and the source looks for it (shared
  instance storage, as Nova decides it); the source's guest must be
  active, and it reports the bridges its NICs sit on and, with
  ``virt_type`` kvm, its host CPU, which the destination compares with
  its own (``compareCPU``; under TCG the guest CPU is emulated and
  nothing is compared).
* ``pre_live_migration`` (destination): every bridge of the guest's NICs
  must exist here (in ``[network] guest_netns`` when set: the taps of
  the incoming domain are plugged into it by libvirt); without shared
  storage the instance directory, console log, boot files and a root
  overlay on this host's cached base image are made (the copy fills
  the overlay), and the config drive from the guest's data.
* ``live_migration`` (source): ``migrateToURI3`` to
  ``[libvirt] live_migration_uri`` (``%s`` the destination's address)
  or ``qemu+<live_migration_scheme>://<address>/system`` (QEMU's
  stream to ``tcp://<live_migration_inbound_addr>`` of the destination
  when it has one, else where its libvirtd offers it) with
  VIR_MIGRATE_LIVE | PEER2PEER | PERSIST_DEST | UNDEFINE_SOURCE (+
  NON_SHARED_INC for a block migration, copying the local disks only
  when the guest has volumes, + POSTCOPY when
  ``live_migration_permit_post_copy``), the destination's XML when its
  instance directory differs, ``live_migration_bandwidth`` MiB/s; a
  monitor reads ``jobStats`` (progress), calls ``abortJob`` on abort or
  when ``live_migration_progress_timeout`` passes without the remaining
  data shrinking, and on force-complete (or
  ``live_migration_completion_timeout`` seconds per GiB with the
  ``force_complete`` action) switches to post-copy
  (``migrateStartPostCopy``) or suspends the guest.
* After: the source removes its instance directory unless shared; the
  destination resumes a guest suspended for the copy and marks the
  domain its own; a rollback removes the destination's domain (if any)
  and the files it made.

Real two-daemon migrations run between the multi-node lab's nodes
(devstack/tools/nodes-check.sh, doc/lab-nodes.md); the unit tests drive
this module against a mocked domain.
"""
import os
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

from oslo_log import log as logging

import nova_lite.conf
from nova_lite import exception
from nova_lite.virt.libvirt import console
from nova_lite.virt.libvirt import disks
from nova_lite.virt.libvirt import guest as libvirt_guest
from nova_lite.virt.libvirt import resize as libvirt_resize
from nova_lite.virt.libvirt import vif

CONF = nova_lite.conf.CONF
LOG = logging.getLogger(__name__)
libvirt = libvirt_guest.libvirt
GiB = 1024 ** 3
_MARKER_PREFIX = 'nova-lite-shared-'
_STATS = ('memory_total', 'memory_processed', 'memory_remaining',
          'disk_total', 'disk_processed', 'disk_remaining')


def destination_uri(address):
    """The libvirt URI of the destination at ``address``."""
    if CONF.libvirt.live_migration_uri:
        return CONF.libvirt.live_migration_uri % address
    return 'qemu+%s://%s/system' % (CONF.libvirt.live_migration_scheme,
                                    address)


def stream_uri(address):
    """The ``VIR_MIGRATE_PARAM_URI`` of QEMU's own migration stream (and
    the NBD disk copy of a block migration) to a destination whose
    inbound address is ``address``: ``tcp://<address>`` (IPv6 in
    brackets), as Nova's ``live_migration_inbound_addr``. This is not the
    libvirt URI (``destination_uri``): libvirt refuses a ``qemu+tcp``
    scheme there ("unsupported scheme ... in migration URI")."""
    if ':' in address and not address.startswith('['):
        address = '[%s]' % address
    return 'tcp://%s' % address


def migration_flags(block_migration, post_copy=False):
    """The ``migrateToURI3`` flags of a live migration."""
    flags = (libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER |
             libvirt.VIR_MIGRATE_PERSIST_DEST |
             libvirt.VIR_MIGRATE_UNDEFINE_SOURCE)
    if block_migration:
        flags |= libvirt.VIR_MIGRATE_NON_SHARED_INC
    if post_copy:
        flags |= libvirt.VIR_MIGRATE_POSTCOPY
    return flags


def local_disks(xml):
    """The target devices (``vda``...) of a domain XML's writable local
    disks (``<disk type='file'|'block' device='disk'>``): what a block
    migration copies (``VIR_MIGRATE_PARAM_MIGRATE_DISKS``). A volume's
    network disk is not copied: its export is reachable from both hosts
    during the move (doc/volumes.md, "Moves"), as Nova leaves volumes out
    of ``migrate_disks``."""
    found = []
    for disk in ET.fromstring(xml).iter('disk'):
        target = disk.find('target')
        if (disk.get('type') in ('file', 'block')
                and disk.get('device', 'disk') == 'disk'
                and disk.find('readonly') is None and target is not None):
            found.append(target.get('dev'))
    return found


def interface_bridges(xml):
    """The bridges of the ``<interface type='bridge'>`` NICs of a domain
    XML, in order."""
    root = ET.fromstring(xml)
    return [src.get('bridge') for iface in root.iter('interface')
            if iface.get('type') == 'bridge'
            for src in iface.findall('source') if src.get('bridge')]


def host_cpu_xml(capabilities_xml):
    """The ``<cpu>`` of a host's capabilities XML, as a string (or
    None)."""
    cpu = ET.fromstring(capabilities_xml).find('./host/cpu')
    return None if cpu is None else ET.tostring(cpu, encoding='unicode')


def dest_xml(source_xml, source_dir, dest_dir):
    """The domain XML for the destination: the source's with paths under
    ``source_dir`` moved under ``dest_dir`` (None when they match)."""
    if source_dir == dest_dir:
        return None
    root = ET.fromstring(source_xml)
    libvirt_resize._rewrite_paths(root, source_dir, dest_dir)
    return ET.tostring(root, encoding='unicode')


class Monitor:
    """Watches a running migration job of ``dom`` for ``job``
    (``virt.live_migration.LiveMigrationJob``): progress, abort,
    force-complete and the timeouts of the ``[libvirt]`` options."""

    def __init__(self, dom, job, data_gib, post_copy):
        self.dom, self.job, self.post_copy = dom, job, post_copy
        self.started = time.monotonic()
        self.completion_limit = (CONF.libvirt.live_migration_completion_timeout
                                 * max(1.0, data_gib))
        self.best_remaining = None
        self.best_at = self.started
        self.aborted = False
        self.suspended = False

    def poll(self):
        """One look at the job (called every monitor interval)."""
        stats = self._stats()
        if stats:
            self.job.progress(**stats)
        if self.job.abort_requested.is_set() and not self.aborted:
            self.abort('abort requested')
        elif self.job.force_requested.is_set() and not self.job.forced:
            self.force_complete()
        self._timeouts(stats)

    def _stats(self):
        try:
            raw = self.dom.jobStats()
        except libvirt.libvirtError:
            return {}   # the job just ended
        return {key: int(raw[key]) for key in _STATS if key in raw}

    def _timeouts(self, stats):
        now = time.monotonic()
        remaining = stats.get('memory_remaining', 0) + \
            stats.get('disk_remaining', 0)
        if stats and (self.best_remaining is None or
                      remaining < self.best_remaining):
            self.best_remaining, self.best_at = remaining, now
        progress_timeout = CONF.libvirt.live_migration_progress_timeout
        if progress_timeout and now - self.best_at > progress_timeout:
            self.abort('no progress for %d seconds' % progress_timeout)
        elif self.completion_limit and \
                now - self.started > self.completion_limit:
            if CONF.libvirt.live_migration_timeout_action == 'abort':
                self.abort('not completed within %d seconds'
                           % self.completion_limit)
            elif not self.job.forced:
                self.force_complete()

    def abort(self, why):
        if self.aborted:
            return
        LOG.warning('Aborting the live migration job of %s: %s',
                    self.dom.UUIDString(), why)
        self.aborted = why
        try:
            self.dom.abortJob()
        except libvirt.libvirtError as exc:
            LOG.warning('abortJob failed: %s', exc)

    def force_complete(self):
        """Post-copy when allowed, else suspend the guest (resumed at the
        destination)."""
        self.job.forced = True
        if self.post_copy:
            self.dom.migrateStartPostCopy(0)
        else:
            self.dom.suspend()
            self.suspended = True


def run(dom, uri, params, flags, monitor, interval):
    """``migrateToURI3`` in a thread while ``monitor`` polls.

    :raises: LiveMigrationAborted, LiveMigrationFailed
    """
    outcome = {}

    def migrate():
        try:
            dom.migrateToURI3(uri, params, flags)
        except Exception as exc:  # noqa: BLE001 - handed to the caller
            outcome['error'] = exc
    worker = threading.Thread(target=migrate, daemon=True,
                              name='live-migration-%s' % dom.UUIDString())
    worker.start()
    while worker.is_alive():
        worker.join(interval)
        if worker.is_alive():
            monitor.poll()
    uuid = dom.UUIDString()
    if 'error' in outcome:
        if monitor.suspended:
            _resume_quietly(dom)
        if monitor.aborted:
            raise exception.LiveMigrationAborted(instance_uuid=uuid,
                                                 reason=monitor.aborted)
        raise exception.LiveMigrationFailed(instance_uuid=uuid,
                                            reason=str(outcome['error']))


def _resume_quietly(dom):
    try:
        dom.resume()
    except libvirt.libvirtError as exc:
        LOG.warning('Could not resume %s after a failed migration: %s',
                    dom.UUIDString(), exc)


class LiveMigrationMixin:
    """The driver methods (uses ``LibvirtDriver``'s ``_host``,
    ``_lookup``, ``_instance_dir``, ``_image_cache``, ``_config_drive``
    and ``_guest_consoles``)."""

    def check_can_live_migrate_destination(self, context, instance,
                                           block_migration, source_host):
        os.makedirs(CONF.libvirt.instances_path, exist_ok=True)
        fd, marker = tempfile.mkstemp(prefix=_MARKER_PREFIX,
                                      dir=CONF.libvirt.instances_path)
        os.close(fd)
        return {'dest_host': self.host, 'block_migration': block_migration,
                'dest_address': CONF.libvirt.live_migration_inbound_addr
                or self.host,
                'dest_inbound_addr': CONF.libvirt.live_migration_inbound_addr,
                'shared_marker': os.path.basename(marker),
                'dest_instance_dir': self._instance_dir(instance)}

    def cleanup_live_migration_destination_check(self, context,
                                                 migrate_data):
        marker = migrate_data.get('shared_marker')
        if marker and marker.startswith(_MARKER_PREFIX):
            try:
                os.unlink(os.path.join(CONF.libvirt.instances_path, marker))
            except FileNotFoundError:
                pass

    def check_can_live_migrate_source(self, context, instance,
                                      migrate_data):
        dom = self._lookup(instance)
        if not dom.isActive():
            raise exception.MigrationPreCheckError(
                reason='the guest of %s is not running' % instance.uuid)
        marker = migrate_data.get('shared_marker') or ''
        shared = bool(marker) and os.path.exists(
            os.path.join(CONF.libvirt.instances_path, marker))
        data = dict(migrate_data, is_shared_instance_path=shared,
                    source_bridges=interface_bridges(dom.XMLDesc(0)),
                    source_instance_dir=self._instance_dir(instance))
        if CONF.libvirt.virt_type == 'kvm':
            data['source_cpu'] = host_cpu_xml(
                self._host.get_connection().getCapabilities())
        return data

    def check_live_migration_compatibility(self, context, instance,
                                           migrate_data):
        """kvm: compareCPU of the source's host CPU must not be
        INCOMPATIBLE (Nova's rule); qemu (TCG): nothing to compare."""
        cpu = migrate_data.get('source_cpu')
        if not cpu or CONF.libvirt.virt_type != 'kvm':
            return
        result = self._host.get_connection().compareCPU(cpu, 0)
        if result == libvirt.VIR_CPU_COMPARE_INCOMPATIBLE:
            raise exception.MigrationPreCheckError(
                reason='the CPU of the source host is not compatible with '
                       'the CPU of %s' % self.host)

    def pre_live_migration(self, context, instance, network_info,
                           image_meta, migrate_data, guest_data=None):
        exists = vif.bridge_check(CONF.network.guest_netns)
        missing = [b for b in migrate_data.get('source_bridges', ())
                   if not exists(b)]
        if missing:
            raise exception.LiveMigrationFailed(
                instance_uuid=instance.uuid,
                reason='bridge(s) %s missing on %s' % (
                    ', '.join(missing), self.host))
        if migrate_data.get('is_shared_instance_path'):
            return migrate_data
        inst_dir = self._instance_dir(instance)
        disks.remove_instance_dir(inst_dir)
        try:
            disks.create_guest_files(context, instance, image_meta,
                                     inst_dir, self._image_cache())
            self._config_drive(instance, guest_data)
            console.prepare_socket_dir(
                self._guest_consoles(instance), console.qemu_owner(
                    self._host.get_connection().getCapabilities()))
        except Exception:
            disks.remove_instance_dir(inst_dir)
            raise
        return migrate_data

    def live_migration(self, context, instance, dest, migrate_data, job):
        dom = self._lookup(instance)
        block = bool(migrate_data.get('block_migration'))
        post_copy = CONF.libvirt.live_migration_permit_post_copy
        address = migrate_data.get('dest_address') or dest
        params = {}
        if migrate_data.get('dest_inbound_addr'):
            params[libvirt.VIR_MIGRATE_PARAM_URI] = stream_uri(
                migrate_data['dest_inbound_addr'])
        if CONF.libvirt.live_migration_bandwidth:
            params[libvirt.VIR_MIGRATE_PARAM_BANDWIDTH] = \
                CONF.libvirt.live_migration_bandwidth
        source_xml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_MIGRATABLE)
        xml = dest_xml(source_xml, self._instance_dir(instance),
                       migrate_data.get('dest_instance_dir') or
                       self._instance_dir(instance))
        if xml is not None:
            params[libvirt.VIR_MIGRATE_PARAM_DEST_XML] = xml
        if block and 'type=\'network\'' in source_xml.replace('"', "'"):
            # Volumes stay where they are: only local disks are copied.
            params[libvirt.VIR_MIGRATE_PARAM_MIGRATE_DISKS] = local_disks(
                source_xml)
        data_gib = instance.memory_mb / 1024 + (instance.root_gb if block
                                                else 0)
        monitor = Monitor(dom, job, data_gib, post_copy)
        run(dom, destination_uri(address), params,
            migration_flags(block, post_copy), monitor,
            CONF.libvirt.live_migration_monitor_interval)
        return {'suspended_for_copy': monitor.suspended}

    def post_live_migration(self, context, instance, network_info,
                            migrate_data):
        """The source domain is undefined by the migration
        (UNDEFINE_SOURCE); its files go unless shared."""
        if not migrate_data.get('is_shared_instance_path'):
            disks.remove_instance_dir(self._instance_dir(instance))

    def post_live_migration_at_destination(self, context, instance,
                                           network_info, migrate_data):
        dom = self._lookup(instance)
        if migrate_data.get('suspended_for_copy'):
            _resume_quietly(dom)
        libvirt_guest.set_owner(dom, self.host)
        return libvirt_guest.power_state(dom)

    def rollback_live_migration_at_destination(self, context, instance,
                                               network_info, migrate_data):
        """Remove this host's incoming domain (one another compute
        owns, on a shared daemon, is the source's guest: left alone, with
        the directory its disks are in) and the files made here unless
        shared."""
        inst_dir = self._instance_dir(instance)
        try:
            dom = self._lookup(instance)
        except exception.InstanceNotFound:
            dom = None
        others = dom is not None and libvirt_guest.owner(dom) not in (
            None, self.host)
        keep_dir = migrate_data.get('is_shared_instance_path') or (
            others and libvirt_guest.uses_dir(dom, inst_dir))
        if dom is not None and not others:
            libvirt_guest.remove(self._host.get_connection(), instance,
                                 CONF.instance_name_template)
        if not keep_dir:
            disks.remove_instance_dir(inst_dir)
