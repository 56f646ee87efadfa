"""The libvirt compute driver: guests as libvirt domains.

One connection (``[libvirt] connection_uri``) is opened per driver and
shared by every thread: libvirt-python connections are thread-safe, and
``test:///default`` keeps its domains only while a connection to it is
open. A guest is the persistent domain ``instance-<uuid>`` (its libvirt
UUID is the instance's) plus the directory
``<[libvirt] instances_path>/<uuid>/`` with its files:

* ``disk``: qcow2 root disk, an overlay on the cached base image
* ``kernel``, ``ramdisk``: copies of the boot files of kernel-booted images
* ``console.log``: what the guest writes on its first serial port

Lifecycle events come from libvirt's default event loop (one daemon thread
per process) and are handed to the compute through a bounded queue and a
dispatcher thread, so the listener never runs inside the event loop (a
listener calling back into libvirt there would deadlock a remote
connection).
"""
import logging
import os
import queue
import shutil
import threading
import time

import libvirt
from oslo_concurrency import processutils
from oslo_utils import excutils, uuidutils

import nova_lite.conf
from nova_lite import exception
from nova_lite.compute import states
from nova_lite.virt import driver
from nova_lite.virt.libvirt import config as vconfig
from nova_lite.virt.libvirt import imagebackend

CONF = nova_lite.conf.CONF
LOG = logging.getLogger(__name__)

DOMAIN_PREFIX = 'instance-'
# Most bytes of console.log get_console_output returns (its tail).
CONSOLE_LOG_MAX_BYTES = 100 * 1024
# Seconds between two looks at a guest that is shutting down.
SHUTDOWN_POLL_INTERVAL = 0.5
# Image disk formats that hold a kernel or ramdisk, never a root disk.
BOOT_FILE_FORMATS = ('aki', 'ari')

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

_event_loop_lock = threading.Lock()
_event_loop_thread = None


def _run_event_loop():
    """Body of the libvirt event loop thread: dispatch forever."""
    while True:
        try:
            libvirt.virEventRunDefaultImpl()
        except libvirt.libvirtError:
            LOG.exception('libvirt event loop iteration failed')
            time.sleep(1)


def _ignore_libvirt_error(_ctx, _err):
    """libvirt error handler: errors reach callers as ``libvirtError``
    (and are logged there when it matters), not printed on stderr."""


def start_event_loop():
    """Register libvirt's default event loop and run it in a daemon thread.

    Once per process; connections opened afterwards deliver their events
    through it.
    """
    global _event_loop_thread
    with _event_loop_lock:
        if _event_loop_thread is not None:
            return
        libvirt.virEventRegisterDefaultImpl()
        _event_loop_thread = threading.Thread(
            target=_run_event_loop, name='libvirt-event-loop', daemon=True)
        _event_loop_thread.start()


def uuid_from_domain_name(name):
    """Return the uuid of a domain named ``instance-<uuid>``, else None."""
    if not name.startswith(DOMAIN_PREFIX):
        return None
    uuid = name[len(DOMAIN_PREFIX):]
    return uuid if uuidutils.is_uuid_like(uuid) else None


def lifecycle_transition(event, detail):
    """Map a libvirt lifecycle event to a ``driver.EVENT_*`` or None.

    RESUMED is not mapped: QEMU guests start paused and are resumed, so a
    start brings STARTED and RESUMED, and pausing is not a driver
    operation (SUSPENDED is not mapped either).

    :param event: ``VIR_DOMAIN_EVENT_*`` (virDomainEventType)
    :param detail: the event's detail, e.g. ``VIR_DOMAIN_EVENT_STOPPED_*``
    """
    if event == libvirt.VIR_DOMAIN_EVENT_STARTED:
        return driver.EVENT_STARTED
    if event == libvirt.VIR_DOMAIN_EVENT_CRASHED or (
            event == libvirt.VIR_DOMAIN_EVENT_STOPPED
            and detail == libvirt.VIR_DOMAIN_EVENT_STOPPED_CRASHED):
        return driver.EVENT_CRASHED
    if event == libvirt.VIR_DOMAIN_EVENT_STOPPED:
        return driver.EVENT_STOPPED
    return None


def host_memory_mb(meminfo='/proc/meminfo'):
    """Return MemTotal of ``meminfo`` in MiB.

    Read from the kernel rather than libvirt's getInfo(), which can
    under-report (see FIELD-NOTES).
    """
    with open(meminfo) as f:
        for line in f:
            if line.startswith('MemTotal:'):
                return int(line.split()[1]) // 1024
    raise ValueError(f'no MemTotal in {meminfo}')


def disk_gb(path):
    """Return the size of the file system holding ``path`` in GiB."""
    st = os.statvfs(path)
    return st.f_blocks * st.f_frsize // imagebackend.GiB


def _error_code(exc):
    """The ``VIR_ERR_*`` code of a libvirtError."""
    return exc.get_error_code()


class LibvirtDriver(driver.ComputeDriver):
    """Guests as libvirt domains on ``[libvirt] connection_uri``."""

    def __init__(self, host):
        super().__init__(host)
        self.image_api = None   # set on first use, see _image_cache()
        self._conn = None
        self._conn_broken = False
        self._conn_lock = threading.Lock()
        self._callback_ids = []
        self._events = None
        self._dispatcher = None
        self._stop_dispatch = threading.Event()

    # -- connection and events -------------------------------------------

    def init_host(self, host):
        """Connect, and start delivering lifecycle events to the listener.

        :raises: HypervisorUnavailable when libvirt cannot be reached
        """
        for path in (CONF.libvirt.instances_path, CONF.libvirt.images_path):
            os.makedirs(path, exist_ok=True)
        start_event_loop()
        if self._dispatcher is None:
            self._start_dispatcher(host)
            with self._conn_lock:
                if self._conn is not None:
                    self._register_events(self._conn)
        self._get_connection()

    def cleanup_host(self, host):
        """Stop event delivery and close the connection."""
        if self._dispatcher is not None:
            self._events = None
            self._stop_dispatch.set()
            self._dispatcher.join(timeout=5)
            self._dispatcher = None
        with self._conn_lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                self._close(conn)

    def _start_dispatcher(self, host):
        """Create the event queue and the thread that empties it."""
        self._events = queue.Queue(maxsize=CONF.libvirt.event_queue_size)
        self._stop_dispatch.clear()
        self._dispatcher = threading.Thread(
            target=self._dispatch_events, args=(self._events,),
            name=f'libvirt-events-{host}', daemon=True)
        self._dispatcher.start()

    def _get_connection(self):
        """Return the shared connection, (re)opening it when needed.

        :raises: HypervisorUnavailable when it cannot be opened
        """
        with self._conn_lock:
            conn = self._conn
            if conn is not None and not self._conn_broken and conn.isAlive():
                return conn
            if conn is not None:
                LOG.warning('libvirt connection to %s is broken; '
                            'reconnecting', CONF.libvirt.connection_uri)
                self._close(conn)
                self._conn = None
            self._conn = self._connect()
            return self._conn

    def _connect(self):
        """Open ``[libvirt] connection_uri``; register our callbacks."""
        uri = CONF.libvirt.connection_uri
        libvirt.registerErrorHandler(_ignore_libvirt_error, None)
        try:
            conn = libvirt.open(uri)
        except libvirt.libvirtError as exc:
            LOG.error('Cannot connect to libvirt at %s: %s', uri, exc)
            raise exception.HypervisorUnavailable(host=self.host) from exc
        self._conn_broken = False
        try:
            conn.registerCloseCallback(self._on_close, None)
        except libvirt.libvirtError:
            LOG.debug('%s has no close callbacks', uri)
        if self._events is not None:
            self._register_events(conn)
        LOG.info('Connected to libvirt at %s', uri)
        return conn

    def _on_close(self, conn, reason, opaque):
        """Close callback: the next call reconnects."""
        LOG.warning('libvirt connection closed (reason %s)', reason)
        self._conn_broken = True

    def _register_events(self, conn):
        """Subscribe to domain lifecycle events of ``conn``."""
        self._callback_ids.append(conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
            self._lifecycle_event, None))

    def _close(self, conn):
        """Drop our callbacks from ``conn`` and close it, ignoring errors
        of a connection that is already broken."""
        try:
            for callback_id in self._callback_ids:
                conn.domainEventDeregisterAny(callback_id)
            conn.unregisterCloseCallback()
        except libvirt.libvirtError:
            pass
        self._callback_ids = []
        try:
            conn.close()
        except libvirt.libvirtError:
            pass

    def _lifecycle_event(self, conn, dom, event, detail, opaque):
        """libvirt callback (event loop thread): queue our guests' events."""
        uuid = uuid_from_domain_name(dom.name())
        transition = lifecycle_transition(event, detail)
        events = self._events
        if uuid is None or transition is None or events is None:
            return
        try:
            events.put_nowait(driver.LifecycleEvent(uuid, transition))
        except queue.Full:
            LOG.warning('Lifecycle event queue full; dropped %s of %s',
                        transition, uuid)

    def _dispatch_events(self, events):
        """Dispatcher thread: hand queued events to the listener until
        cleanup_host."""
        while not self._stop_dispatch.is_set():
            try:
                event = events.get(timeout=0.5)
            except queue.Empty:
                continue
            try:
                self.emit_event(event)
            except Exception:
                LOG.exception('Lifecycle event listener failed on %s',
                              event)

    # -- domains and files -------------------------------------------------

    def _lookup(self, instance):
        """Return the domain of ``instance``.

        :raises: InstanceNotFound
        """
        try:
            return self._get_connection().lookupByName(instance.name)
        except libvirt.libvirtError as exc:
            if _error_code(exc) == libvirt.VIR_ERR_NO_DOMAIN:
                raise exception.InstanceNotFound(
                    instance_id=instance.uuid) from exc
            raise

    def _instance_dir(self, instance):
        return os.path.join(CONF.libvirt.instances_path, instance.uuid)

    def _console_log_path(self, instance):
        return os.path.join(self._instance_dir(instance), 'console.log')

    def _image_cache(self):
        """The host's base image cache, over the image API."""
        if self.image_api is None:
            # Imported here: the image API is a process boundary (the image
            # store) that tests replace by setting ``image_api``.
            from nova_lite.image import api as image_api
            self.image_api = image_api.API()
        return imagebackend.ImageCache(CONF.libvirt.images_path,
                                       self.image_api)

    @staticmethod
    def _stop_domain(dom):
        """Power a domain off at once; already stopped is fine."""
        try:
            if dom.isActive():
                dom.destroy()
        except libvirt.libvirtError as exc:
            if _error_code(exc) not in (libvirt.VIR_ERR_OPERATION_INVALID,
                                        libvirt.VIR_ERR_NO_DOMAIN):
                raise

    @staticmethod
    def _undefine_domain(dom):
        """Remove a stopped domain's definition; already gone is fine."""
        try:
            dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
        except libvirt.libvirtError as exc:
            if _error_code(exc) != libvirt.VIR_ERR_NO_DOMAIN:
                raise

    def _remove_guest(self, instance):
        """Stop and undefine the domain, remove the instance directory.

        Missing pieces are skipped, so this is idempotent.
        """
        try:
            dom = self._lookup(instance)
        except exception.InstanceNotFound:
            dom = None
        if dom is not None:
            self._stop_domain(dom)
            self._undefine_domain(dom)
        inst_dir = self._instance_dir(instance)
        if os.path.exists(inst_dir):
            shutil.rmtree(inst_dir)

    def _wait_for_shutoff(self, dom, timeout):
        """Poll until ``dom`` is inactive; True if it was within
        ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while dom.isActive():
            if time.monotonic() >= deadline:
                return False
            time.sleep(SHUTDOWN_POLL_INTERVAL)
        return True

    def _clean_shutdown(self, dom, timeout):
        """Press the guest's ACPI power button and wait up to ``timeout``
        seconds for it to power off. Returns True when it is off."""
        if not dom.isActive():
            return True
        try:
            dom.shutdown()
        except libvirt.libvirtError as exc:
            if _error_code(exc) != libvirt.VIR_ERR_OPERATION_INVALID:
                raise
        return self._wait_for_shutoff(dom, timeout)

    # -- spawn -------------------------------------------------------------

    def spawn(self, context, instance, image_meta, network_info):
        """Create the guest's files, define its domain and start it.

        Leftovers of an earlier attempt for the same instance on this host
        are removed first. On any failure everything is removed again.

        :raises: ImageNotFound (an image or its file is missing),
            ImageUnacceptable (see imagebackend), InstanceDeployFailure
            (libvirt or qemu-img failed), HypervisorUnavailable
        """
        self._remove_guest(instance)
        try:
            self._create_and_start(context, instance, image_meta,
                                   network_info)
        except exception.NovaLiteException:
            with excutils.save_and_reraise_exception():
                self._cleanup_failed_spawn(instance)
        except Exception as exc:
            self._cleanup_failed_spawn(instance)
            raise exception.InstanceDeployFailure(
                instance_uuid=instance.uuid, reason=str(exc)) from exc
        LOG.info('Spawned %s as %s', instance.uuid, instance.name)

    def _create_and_start(self, context, instance, image_meta,
                          network_info):
        """The steps of spawn: files, domain definition, start."""
        paths = self._create_guest_files(context, instance, image_meta)
        xml = vconfig.domain_xml(instance, image_meta, network_info, paths,
                                 virt_type=CONF.libvirt.virt_type,
                                 default_bridge=CONF.network.bridge)
        dom = self._get_connection().defineXML(xml)
        dom.create()

    def _cleanup_failed_spawn(self, instance):
        """Remove what a failed spawn made; log (not raise) errors so the
        spawn's own error reaches the caller."""
        LOG.warning('Spawn of %s failed; removing its domain and files',
                    instance.uuid)
        try:
            self._remove_guest(instance)
        except Exception:
            LOG.exception('Cleanup after failed spawn of %s failed',
                          instance.uuid)

    def _create_guest_files(self, context, instance, image_meta):
        """Make the instance directory, console log, boot files and root
        disk.

        :returns: ``config.GuestPaths``
        """
        inst_dir = self._instance_dir(instance)
        os.makedirs(inst_dir)
        console_log = self._console_log_path(instance)
        # Created here so that it exists (and is ours) before libvirt
        # labels it for QEMU, and for hypervisors that write none.
        open(console_log, 'ab').close()
        kernel, ramdisk = self._fetch_boot_files(context, image_meta,
                                                 inst_dir)
        root_disk = self._create_root_disk(context, instance, image_meta,
                                           inst_dir, kernel is not None)
        return vconfig.GuestPaths(root_disk=root_disk, kernel=kernel,
                                  ramdisk=ramdisk, console_log=console_log)

    def _fetch_boot_files(self, context, image_meta, inst_dir):
        """Copy the image's kernel and ramdisk (if any) into ``inst_dir``.

        Copies, not the cached files themselves: libvirt relabels the files
        a guest uses, which must not touch a file other guests share.

        :returns: (kernel path or None, ramdisk path or None)
        """
        props = image_meta.get('properties', None) or {}
        result = []
        for prop, name in (('kernel_id', 'kernel'), ('ramdisk_id',
                                                     'ramdisk')):
            image_id = props.get(prop)
            if not image_id:
                result.append(None)
                continue
            cached = self._image_cache().fetch(context, image_id)
            dest = os.path.join(inst_dir, name)
            shutil.copyfile(cached, dest)
            result.append(dest)
        kernel, ramdisk = result
        if ramdisk and not kernel:
            LOG.warning('Image %s has a ramdisk_id but no kernel_id; '
                        'ignoring the ramdisk', image_meta.id)
            ramdisk = None
        return kernel, ramdisk

    def _root_base(self, context, image_meta, kernel_boot):
        """Path of the cached base image of the root disk, or None.

        With a kernel the root image is optional: None when the image is
        itself a kernel/ramdisk, or has no file in the image store.

        :raises: ImageNotFound (disk boot only)
        """
        if not kernel_boot:
            return self._image_cache().fetch(context, image_meta.id)
        props = image_meta.get('properties', None) or {}
        if (image_meta.get('disk_format', None) in BOOT_FILE_FORMATS
                or image_meta.id in (props.get('kernel_id'),
                                     props.get('ramdisk_id'))):
            return None
        try:
            return self._image_cache().fetch(context, image_meta.id)
        except exception.ImageNotFound:
            LOG.info('Image %s has no file: booting its kernel without '
                     'a root image', image_meta.id)
            return None

    def _create_root_disk(self, context, instance, image_meta, inst_dir,
                          kernel_boot):
        """Create ``<inst_dir>/disk`` for ``instance.root_gb`` GiB.

        An overlay on the base image; for a kernel boot without a root
        image an empty qcow2, or no disk at all when root_gb is 0.

        :returns: the disk path, or None
        """
        path = os.path.join(inst_dir, 'disk')
        base = self._root_base(context, image_meta, kernel_boot)
        if base is None:
            if not instance.root_gb:
                return None
            imagebackend.create_blank(path, instance.root_gb)
            return path
        fmt = imagebackend.check_base(image_meta.id, base,
                                      image_meta.get('disk_format', None),
                                      instance.root_gb)
        imagebackend.create_overlay(base, fmt, path, instance.root_gb)
        return path

    # -- guest operations --------------------------------------------------

    def destroy(self, context, instance, network_info):
        """Power off, undefine, and remove the instance directory.

        Idempotent: a missing domain or directory is skipped.
        """
        self._remove_guest(instance)
        LOG.info('Destroyed %s', instance.uuid)

    def reboot(self, context, instance, network_info, reboot_type):
        """'SOFT': ACPI shutdown, wait up to ``[libvirt]
        soft_reboot_timeout`` seconds, start again; a guest that does not
        stop in time (or 'HARD') is powered off and started.

        :raises: InstanceNotFound
        """
        dom = self._lookup(instance)
        if reboot_type == 'SOFT' and self._clean_shutdown(
                dom, CONF.libvirt.soft_reboot_timeout):
            dom.create()
            LOG.info('Soft rebooted %s', instance.uuid)
            return
        if reboot_type == 'SOFT':
            LOG.warning('%s did not shut down within %d s; hard rebooting',
                        instance.uuid, CONF.libvirt.soft_reboot_timeout)
        self._stop_domain(dom)
        dom.create()
        LOG.info('Hard rebooted %s', instance.uuid)

    def power_off(self, instance, timeout=0):
        """Stop the guest: ACPI shutdown for up to ``timeout`` seconds
        when ``timeout`` > 0, then power off. A stopped guest is left as
        is.

        :raises: InstanceNotFound
        """
        dom = self._lookup(instance)
        if timeout and self._clean_shutdown(dom, timeout):
            return
        self._stop_domain(dom)

    def power_on(self, context, instance, network_info):
        """Start a stopped guest; a running one is left as is.

        :raises: InstanceNotFound
        """
        dom = self._lookup(instance)
        if not dom.isActive():
            dom.create()

    def get_info(self, instance):
        """Return ``InstanceInfo(state=<power_state>)``.

        :raises: InstanceNotFound
        """
        state, _reason = self._lookup(instance).state()
        return driver.InstanceInfo(
            state=POWER_STATES.get(state, states.NOSTATE))

    def list_instances(self):
        """Return the uuids of the ``instance-<uuid>`` domains (running or
        not); other domains on the hypervisor are ignored."""
        uuids = []
        for dom in self._get_connection().listAllDomains(0):
            uuid = uuid_from_domain_name(dom.name())
            if uuid is not None:
                uuids.append(uuid)
        return uuids

    def get_console_output(self, context, instance):
        """Return the last ``CONSOLE_LOG_MAX_BYTES`` of console.log as text
        (undecodable bytes replaced); '' when no log was written.

        :raises: InstanceNotFound
        """
        self._lookup(instance)
        try:
            with open(self._console_log_path(instance), 'rb') as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - CONSOLE_LOG_MAX_BYTES))
                data = f.read(CONSOLE_LOG_MAX_BYTES)
        except FileNotFoundError:
            return ''
        return data.decode('utf-8', errors='replace')

    def get_host_uptime(self):
        """Return procps' ``uptime`` line of this host (LANG=C).

        :raises: oslo_concurrency.processutils.ProcessExecutionError
        """
        out, _err = processutils.execute('env', 'LANG=C', 'uptime')
        return out.rstrip('\n')

    def get_available_resource(self, nodename):
        """Totals of this node (see ``ComputeDriver``): vcpus from
        libvirt, memory_mb (MiB) from /proc/meminfo, local_gb (GiB) of
        the file system of ``[libvirt] instances_path``.

        :raises: HypervisorUnavailable
        """
        conn = self._get_connection()
        instances_path = CONF.libvirt.instances_path
        os.makedirs(instances_path, exist_ok=True)
        return {
            'vcpus': conn.getInfo()[2],
            'memory_mb': host_memory_mb(),
            'local_gb': disk_gb(instances_path),
            'hypervisor_type': conn.getType(),
            'hypervisor_version': conn.getVersion(),
            'hypervisor_hostname': nodename,
        }
