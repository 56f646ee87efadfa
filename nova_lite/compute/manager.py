"""Compute service: builds and runs instances on one hypervisor host.

Every operation on an instance runs under the per-instance lock
(oslo.concurrency, keyed by uuid); builds also take the build semaphore
(``max_concurrent_builds``) in a bounded build executor so the RPC worker
returns at once.

The compute has no database access: its reads and writes are RPC calls
and casts of the conductor (``conductor.rpcapi``; its module doc has the
version history).
"""
import threading

from oslo_concurrency import lockutils
from oslo_config import cfg
from oslo_log import log as logging
import futurist
from futurist import rejection
import oslo_messaging as messaging

from nova_lite.compute import build
from nova_lite.compute.lifecycle import evacuate as lifecycle_evacuate
from nova_lite.compute.lifecycle import fixed_ips as lifecycle_fixed_ips
from nova_lite.compute.lifecycle import interfaces as lifecycle_interfaces
from nova_lite.compute.lifecycle import live_migration as lifecycle_live
from nova_lite.compute import floating_ips as compute_floating_ips
from nova_lite.compute.lifecycle import rebuild as lifecycle_rebuild
from nova_lite.compute.lifecycle import rescue as lifecycle_rescue
from nova_lite.compute.lifecycle import snapshot as lifecycle_snapshot
from nova_lite.compute.lifecycle import resize as resize_steps
from nova_lite.compute.lifecycle import power_ops
from nova_lite.compute.lifecycle import shelve as lifecycle_shelve
from nova_lite.compute.lifecycle import vm_snapshot as lifecycle_vm_snapshot
from nova_lite.compute.lifecycle import volume_moves
from nova_lite.compute.lifecycle import volumes as lifecycle_volumes
from nova_lite.compute import network_sync
from nova_lite.compute import port_firewall
from nova_lite.compute import power
from nova_lite.compute import recovery
from nova_lite.compute import resource_tracker
from nova_lite.compute import states
from nova_lite.compute import usage_audit
from nova_lite.compute import utils as compute_utils
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite import metrics
from nova_lite.network import dhcp
from nova_lite.network import linux_net
from nova_lite import notifications
from nova_lite import service
from nova_lite.virt import driver as virt_driver

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def instance_lock(instance_uuid):
    """The per-instance lock every operation on it holds."""
    return lockutils.lock('instance-%s' % instance_uuid)


class ComputeManager(resize_steps.ResizeManager, power_ops.PowerOpsMixin,
                     service.Manager, lifecycle_rebuild.RebuildMixin,
                     lifecycle_snapshot.SnapshotMixin,
                     lifecycle_rescue.RescueMixin,
                     lifecycle_shelve.ShelveMixin,
                     lifecycle_vm_snapshot.VMSnapshotMixin,
                     lifecycle_evacuate.EvacuateMixin,
                     lifecycle_interfaces.InterfaceMixin,
                     lifecycle_fixed_ips.FixedIpMixin,
                     lifecycle_volumes.VolumeMixin,
                     volume_moves.VolumeMovesMixin,
                     network_sync.NetworkSyncMixin,
                     lifecycle_live.LiveMigrationMixin):
    """RPC endpoint of ``compute.<host>`` (pause, suspend, soft delete:
    1.4, ``compute.lifecycle.power_ops``; rebuild and snapshots: 1.5,
    ``compute.lifecycle``; resizes: 1.6, ``compute.lifecycle.resize``;
    shelve: 1.7, ``compute.lifecycle.shelve``; rescue: 1.8,
    ``compute.lifecycle.rescue``; consoles: 1.9; CloudStack VM snapshots:
    1.10, ``compute.lifecycle.vm_snapshot``; security groups: 1.11,
    ``compute.port_firewall``; floating IPs: 1.12,
    ``compute.floating_ips``; evacuation: 1.13,
    ``compute.lifecycle.evacuate``; interface hot-plug: 1.14,
    ``compute.lifecycle.interfaces``; live migration: 1.15,
    ``compute.lifecycle.live_migration``; volume hot-plug: 1.16,
    ``compute.lifecycle.volumes``; fixed IPs: 1.17,
    ``compute.lifecycle.fixed_ips``)."""

    target = messaging.Target(version='1.18')

    def __init__(self, host, driver=None, executor=None):
        """:param executor: the build executor to use (a fleet of hosts
            in one process shares one, ``compute.fleet``); by default
            the host's own, ``2 × max_concurrent_builds`` threads
            refusing builds beyond ``max_queued_builds`` queued"""
        super().__init__(host)
        self.driver = driver or virt_driver.load_compute_driver(
            CONF.virt.driver, host)
        self._build_semaphore = threading.BoundedSemaphore(
            CONF.max_concurrent_builds)
        self._owns_executor = executor is None
        self._executor = executor or futurist.ThreadPoolExecutor(
            max_workers=CONF.max_concurrent_builds * 2,
            check_and_reject=rejection.reject_when_reached(
                CONF.max_queued_builds))
        # Builds queued or running here: a repeated cast of one of them
        # (the sweeper re-drives a build that waited past redrive_timeout
        # in a long queue) is dropped instead of filling the queue.
        self._builds = set()
        self._builds_lock = threading.Lock()
        self.conductor = conductor_rpcapi.ConductorAPI()
        # The guest networks' DHCP entries ([network] dhcp_hostsfile), with
        # the project networks' bridges and dnsmasqs ([network]
        # guest_netns; nova_lite.network.linux_net).
        networks = linux_net.from_config(dhcp.from_config())
        self.dhcp = (None if networks is None
                     else network_sync.LockedGuestNetworks(networks))
        # The security groups of this host's ports (doc/network-api.md).
        self.security_groups = port_firewall.SecurityGroupAgent(
            host, self.driver, self.conductor)
        # The 1:1 NAT of this host's floating IPs (doc/networking.md).
        self.floating_ips = compute_floating_ips.FloatingIPAgent(
            host, self.driver, self.conductor)
        # Guests plugged by a move, not yet recorded here
        # (compute.network_sync).
        self._arriving = {}
        self.build_flow = build.BuildFlow(host, self.driver, self.conductor,
                                          dhcp_hosts=self.dhcp,
                                          security_groups=self.security_groups,
                                          floating_ips=self.floating_ips)
        self.power = power.PowerSync(host, self.driver, self.conductor)
        metrics.register_compute(self)

    # ------------------------------------------------------------ lifecycle

    def init_host(self):
        self.driver.init_host(self.host)
        self.driver.register_event_listener(self.power.handle_event)
        ctxt = nl_context.get_admin_context()
        resource_tracker.update_available_resource(
            ctxt, self.host, self.driver, self.conductor)
        self._recover(ctxt)
        self._network_sync(ctxt)

    def _recover(self, ctxt):
        """Finish or fail what this host owned when it stopped (a cast
        being processed at a crash is lost: the DB says what was going
        on)."""
        recovery.recover_host(ctxt, self)

    def pre_stop_hook(self):
        """Lifecycle events and power syncs write nothing from now on
        (``PowerSync.stop``): the guests may be going down with the
        host."""
        self.driver.register_event_listener(None)
        self.power.stop()

    def cleanup_host(self):
        if self._owns_executor:
            self._executor.shutdown(wait=False)
        if self._live_executor is not None:
            for job in list(self._live_jobs().values()):
                job.abort_requested.set()
            self._live_executor.shutdown(wait=False)
        self.driver.cleanup_host(self.host)

    def periodic_tasks(self):
        tasks = [(self.update_available_resource,
                  CONF.compute.resource_update_interval)]
        if CONF.compute.sync_power_state_interval > 0:
            tasks.append((self.power.sync_power_states,
                          CONF.compute.sync_power_state_interval))
        if CONF.compute.reclaim_poll_interval > 0:
            tasks.append((self.reclaim_queued_deletes,
                          CONF.compute.reclaim_poll_interval))
        if CONF.compute.shelved_poll_interval > 0 and \
                CONF.shelved_offload_time > 0:
            tasks.append((self.offload_shelved_instances,
                          CONF.compute.shelved_poll_interval))
        if CONF.compute.network_sync_interval > 0:
            tasks.append((self.sync_network,
                          CONF.compute.network_sync_interval))
        if CONF.instance_usage_audit:
            tasks.append((self.instance_usage_audit,
                          CONF.instance_usage_audit_interval))
        return tasks

    def instance_usage_audit(self):
        """Periodic: the usage audit of this host's last completed
        period, once a period (``compute.usage_audit``)."""
        usage_audit.run_usage_audit(nl_context.get_admin_context(),
                                    self.host, self.conductor)

    def refresh_security_groups(self, context, instance_uuids):
        """Cast target (1.11): re-read and apply the security groups of
        the ports of ``instance_uuids``."""
        self.security_groups.refresh(context, instance_uuids)

    def set_floating_ips(self, context, instance_uuid, mappings):
        """Cast target (1.12): the 1:1 NAT of ``instance_uuid`` is now
        ``mappings`` ([{"floating_ip_address", "fixed_ip_address"}])."""
        self.floating_ips.set(instance_uuid, mappings)

    def security_group_members_changed(self, context, group_ids,
                                       instance_uuid, addresses):
        """Cast target (1.11): the ports of ``instance_uuid`` (a member
        of the groups ``group_ids``, uuids) are now at ``addresses``
        ([]: gone); rules naming those groups as remote group follow."""
        self.security_groups.members_changed(group_ids, instance_uuid,
                                             addresses)

    def update_available_resource(self):
        resource_tracker.update_available_resource(
            nl_context.get_admin_context(), self.host, self.driver,
            self.conductor)

    # --------------------------------------------------------------- builds

    def build_and_run_instance(self, context, instance, request_spec,
                               alternates):
        """Cast target: queue the build and return the RPC worker. A
        build of an instance already queued or running here is a repeat
        (the sweeper's re-drive of a build that waited in the queue):
        dropped, the first one goes on."""
        with self._builds_lock:
            if instance.uuid in self._builds:
                LOG.info('Build of %s is already queued on %s; repeated '
                         'cast dropped', instance.uuid, self.host)
                return
            self._builds.add(instance.uuid)
        try:
            self._executor.submit(self._locked_build, context, instance,
                                  request_spec, alternates)
        except futurist.RejectedSubmission:
            self._build_done(instance.uuid)
            LOG.warning('Build queue of %s is full; rescheduling %s',
                        self.host, instance.uuid)
            exc = exception.RescheduledException(
                instance_uuid=instance.uuid,
                reason='build queue of %s is full' % self.host)
            with instance_lock(instance.uuid):
                self.build_flow.reject(context, instance, request_spec,
                                       alternates, exc)

    def _locked_build(self, context, instance, request_spec, alternates):
        try:
            with instance_lock(instance.uuid), self._build_semaphore:
                self.build_flow.run(context, instance, request_spec,
                                    alternates)
        finally:
            self._build_done(instance.uuid)

    def _build_done(self, instance_uuid):
        with self._builds_lock:
            self._builds.discard(instance_uuid)

    # ------------------------------------------------------------- actions

    def _instance(self, context, instance_uuid, with_network=False):
        """The instance (a conductor call), with ``with_network`` a dict
        {'instance', 'network_info'}.

        :raises: InstanceNotFound
        """
        found = self.conductor.instance_get(context, instance_uuid,
                                            with_network=with_network)
        if found is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        return found

    def _event(self, name, start, result='Success', details=None):
        """An action event of this host as the conductor takes it."""
        return {'name': name, 'result': result,
                'start': compute_utils.isotime(start), 'details': details,
                'finish_action': True}

    def terminate_instance(self, context, instance_uuid):
        """Destroy the guest, free IP and claim, delete the record."""
        start = compute_utils.utcnow()
        with instance_lock(instance_uuid):
            try:
                found = self._instance(context, instance_uuid,
                                       with_network=True)
            except exception.InstanceNotFound:
                self.conductor.instance_release_resources(context,
                                                          instance_uuid)
                self._network_unplug(instance_uuid, [])
                return
            instance, network_info = found['instance'], found['network_info']
            notifications.instance_action(
                context, instance, 'instance.delete.start', self.host,
                network_info=network_info)
            self.driver.destroy(context, instance, network_info)
            self._dhcp_remove(instance_uuid, network_info)
            self.conductor.instance_terminated(
                context, instance_uuid, self.host,
                self._event('compute_terminate_instance', start))
            self._network_unplug(instance_uuid, network_info)
            notifications.instance_action(
                context, instance, 'instance.delete.end', self.host,
                state=states.DELETED, task_state=None, power_state=None,
                terminated_at=compute_utils.utcnow(), ip_addresses=[])
        LOG.info('Instance %s deleted on %s', instance_uuid, self.host)

    def reboot_instance(self, context, instance_uuid, reboot_type):
        task = (states.REBOOTING_HARD if reboot_type == 'HARD'
                else states.REBOOTING)
        self._power_action(context, instance_uuid, task,
                           'compute_reboot_instance', states.ACTIVE,
                           'reboot',
                           lambda inst, nw: self.driver.reboot(
                               context, inst, nw, reboot_type))

    def stop_instance(self, context, instance_uuid):
        self._power_action(context, instance_uuid, states.POWERING_OFF,
                           'compute_stop_instance', states.STOPPED,
                           'power_off',
                           lambda inst, nw: self.driver.power_off(inst))

    def start_instance(self, context, instance_uuid):
        self._power_action(context, instance_uuid, states.POWERING_ON,
                           'compute_start_instance', states.ACTIVE,
                           'power_on',
                           lambda inst, nw: self.driver.power_on(
                               context, inst, nw))

    def _power_action(self, context, instance_uuid, task_state, event,
                      vm_state, notification, action):
        """Run ``action`` under the lock when the instance still has
        ``task_state``; notifications instance.<notification>.start and
        .end (or compute.exception, and instance.reboot.error for a
        reboot, on failure) and instance.update."""
        start = compute_utils.utcnow()
        with instance_lock(instance_uuid):
            try:
                found = self._instance(context, instance_uuid,
                                       with_network=True)
            except exception.InstanceNotFound:
                return
            instance = found['instance']
            if instance.task_state != task_state:
                LOG.info('Skipping %s of %s: task_state is %s', event,
                         instance_uuid, instance.task_state)
                return
            network_info = found['network_info']
            name = 'instance.%s.' % notification
            notifications.instance_action(context, instance, name + 'start',
                                          self.host,
                                          network_info=network_info)
            try:
                action(instance, network_info)
                result, details = 'Success', None
            except Exception as exc:  # noqa: BLE001 - reported as event
                LOG.exception('%s of %s failed', event, instance_uuid)
                result, details = 'Error', str(exc)
                notifications.compute_exception(context, exc, self.host)
                if notification == 'reboot':
                    notifications.instance_action(
                        context, instance, name + 'error', self.host,
                        network_info=network_info, fault=exc,
                        task_state=None)
            power_state = self.power.record(
                context, instance, task_state,
                vm_state if result == 'Success' else None,
                event=self._event(event, start, result, details))
            if result == 'Success':
                done = dict(state=vm_state, task_state=None,
                            power_state=states.POWER_STATE_NAMES.get(
                                power_state))
                notifications.instance_update(
                    context, instance, self.host, instance.vm_state,
                    task_state, network_info=network_info, **done)
                notifications.instance_action(
                    context, instance, name + 'end', self.host,
                    network_info=network_info, **done)

    @messaging.expected_exceptions(exception.NotSupportedByDriver)
    def get_host_uptime(self, context):
        """RPC call: the host's ``uptime`` line.

        :raises: NotSupportedByDriver when the driver has none
        """
        try:
            return self.driver.get_host_uptime()
        except NotImplementedError:
            raise exception.NotSupportedByDriver(
                operation='uptime', host=self.host) from None

    @messaging.expected_exceptions(exception.InstanceInvalidState,
                                   exception.InstanceNotFound,
                                   exception.NotSupportedByDriver)
    def get_instance_diagnostics(self, context, instance_uuid,
                                 standard=True):
        """RPC call: the guest's diagnostics, standardized or (with
        ``standard`` false) the driver's legacy dict; only of a running
        guest, as Nova's compute answers.

        :raises: InstanceInvalidState when the guest is not running,
            InstanceNotFound, NotSupportedByDriver
        """
        instance = self._instance(context, instance_uuid)
        power_state = self.driver.get_info(instance).state
        if power_state != states.RUNNING:
            raise exception.InstanceInvalidState(
                action='get_diagnostics', instance_uuid=instance_uuid,
                attr='power_state',
                state=states.POWER_STATE_NAMES.get(power_state, 'pending'))
        try:
            if standard:
                return self.driver.get_instance_diagnostics(instance)
            return self.driver.get_diagnostics(instance)
        except NotImplementedError:
            raise exception.NotSupportedByDriver(
                operation='diagnostics', host=self.host) from None
    def cache_images(self, context, image_ids):
        """Cast target: download ``image_ids`` into the host's image cache
        in the build executor (the RPC worker returns at once); a failure
        of one image is logged and the others go on."""
        try:
            self._executor.submit(self._cache_images, context,
                                  list(image_ids))
        except futurist.RejectedSubmission:
            LOG.warning('Build queue of %s is full: not caching images %s',
                        self.host, image_ids)

    def _cache_images(self, context, image_ids):
        for image_id in image_ids:
            try:
                fetched = self.driver.cache_image(context, image_id)
            except NotImplementedError:
                LOG.info('The driver of %s keeps no image cache',
                         self.host)
                return
            except Exception as exc:  # noqa: BLE001 - logged, go on
                LOG.warning('Caching image %s on %s failed: %s', image_id,
                            self.host, exc)
                continue
            LOG.info('Image %s %s on %s', image_id,
                     'cached' if fetched else 'was already cached',
                     self.host)

    def get_console_output(self, context, instance_uuid, tail_length=None):
        """RPC call: the console log, last ``tail_length`` lines.

        As in Nova, the log is split on ``\\n`` and the last
        ``tail_length`` pieces are kept, so a trailing newline counts as
        an (empty) last line.
        """
        instance = self._instance(context, instance_uuid)
        output = self.driver.get_console_output(context, instance)
        if tail_length is not None:
            lines = output.split('\n')[-tail_length:] if tail_length else []
            output = '\n'.join(lines)
        return output

    _CONSOLE_ERRORS = (exception.InstanceNotFound,
                       exception.ConsoleTypeUnavailable,
                       exception.ConsoleNotAvailable,
                       exception.NotSupportedByDriver)

    def _console(self, context, instance_uuid, kind):
        """The driver's ``ConsoleConnectInfo`` of ``kind`` ('vnc' or
        'serial') as a dict {host, port, path}."""
        instance = self._instance(context, instance_uuid)
        method = getattr(self.driver, 'get_%s_console' % kind)
        try:
            return method(context, instance)._asdict()
        except NotImplementedError:
            raise exception.NotSupportedByDriver(
                operation='%s console' % kind, host=self.host) from None

    @messaging.expected_exceptions(*_CONSOLE_ERRORS)
    def get_vnc_console(self, context, instance_uuid):
        """RPC call (1.9): where the proxy reaches the guest's VNC server,
        ``{'host', 'port', 'path'}`` (doc/consoles.md).

        :raises: InstanceNotFound, ConsoleTypeUnavailable,
            ConsoleNotAvailable, NotSupportedByDriver
        """
        return self._console(context, instance_uuid, 'vnc')

    @messaging.expected_exceptions(*_CONSOLE_ERRORS)
    def get_serial_console(self, context, instance_uuid):
        """RPC call (1.9): where the proxy reaches the guest's serial
        port 0, as ``get_vnc_console``."""
        return self._console(context, instance_uuid, 'serial')
