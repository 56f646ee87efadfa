"""The compute's build flow: spawn a claimed instance, or reschedule.

Runs in a build-executor thread under the instance lock and the build
semaphore (see ``manager.ComputeManager.build_and_run_instance``).
"""
from oslo_log import log as logging

from nova_lite.compute import build_volumes
from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite import exception
from nova_lite.image import glance
from nova_lite.objects import instance as instance_obj
from nova_lite import metrics
from nova_lite import notifications
from nova_lite.notifications.objects import instance as inst_payload
from nova_lite.virt import configdrive

LOG = logging.getLogger(__name__)
EVENT = 'compute_build_and_run_instance'


def _event(result, start, finish_action=False):
    """The build's action event, as the conductor's RPC API takes it."""
    return {'name': EVENT, 'result': result,
            'start': compute_utils.isotime(start),
            'finish_action': finish_action}


class BuildFlow:
    """Build steps of one compute host; its database work goes through
    the conductor (``conductor_rpcapi``): one call to claim the build
    (and get the NIC), one to finish or fail it."""

    def __init__(self, host, driver, conductor_rpcapi, dhcp_hosts=None,
                 security_groups=None, floating_ips=None):
        self.host = host
        self.driver = driver
        self.conductor = conductor_rpcapi
        self.image_api = glance.API()
        # network.dhcp.HostsFile of this host's guest network, or None
        self.dhcp = dhcp_hosts
        # compute.port_firewall.SecurityGroupAgent, or None
        self.security_groups = security_groups
        # compute.floating_ips.FloatingIPAgent, or None
        self.floating_ips = floating_ips

    def run(self, context, instance, request_spec, alternates):
        """Build ``instance``; never raises (a conductor that answers none
        of the repeated build_start/build_finish calls is logged, and the
        conductor's sweeper sets the build to ERROR after
        ``build_timeout``)."""
        start = compute_utils.utcnow()
        try:
            started = self._start_spawning(context, instance)
        except Exception as exc:  # noqa: BLE001 - see the docstring
            LOG.error('Build of %s not started on %s: the conductor did '
                      'not answer (%s); the sweeper ends it', instance.uuid,
                      self.host, exc)
            return
        if started is None:
            return
        network_info = started['network_info']
        notifications.instance_action(
            context, instance, 'instance.create.start', self.host,
            network_info=network_info, state=states.BUILDING,
            task_state=states.SPAWNING)
        volumes = None
        try:
            if build_volumes.has_volumes(instance):
                volumes = build_volumes.prepare(self.conductor, context,
                                                instance, self.host)
            if self.dhcp is not None:
                # Before the guest boots: its first DHCP request must be
                # answered.
                self.dhcp.add(network_info, instance.hostname)
            if self.security_groups is not None:
                # Before the guest's taps exist: it never runs open.
                self.security_groups.build(instance.uuid,
                                           started.get('port_security'))
            image_meta = self._image_meta(context, instance, request_spec,
                                          volumes)
            with metrics.SPAWN_SECONDS.time():
                self._spawn(context, instance, image_meta, network_info,
                            started['guest_data'], volumes)
            build_volumes.attached(self.conductor, context, instance,
                                   self.host, volumes)
        except build_volumes.BuildGone:
            LOG.info('Build of %s stopped: it was deleted or taken over '
                     'while its volumes were prepared', instance.uuid)
            self._destroy(context, instance, network_info)
            self.conductor.instance_release_resources(context, instance.uuid)
            return
        except Exception as exc:  # noqa: BLE001 - every failure is handled
            LOG.warning('Build of %s failed on %s: %s', instance.uuid,
                        self.host, exc)
            self._destroy(context, instance, network_info)
            # A build with volumes is not rescheduled: the conductor
            # releases its volumes when it sets ERROR.
            self._reschedule_or_fail(
                context, instance, request_spec,
                [] if build_volumes.has_volumes(instance) else alternates,
                exc, start)
            return
        try:
            self._finish(context, instance, start, network_info, volumes)
        except Exception as exc:  # noqa: BLE001 - see run's docstring
            LOG.error('Build of %s spawned on %s but not finished: the '
                      'conductor did not answer (%s); the sweeper ends it',
                      instance.uuid, self.host, exc)

    def _spawn(self, context, instance, image_meta, network_info,
               guest_data, block_device_info):
        if block_device_info is None:
            # Drivers without volume support keep their old signature.
            self.driver.spawn(context, instance, image_meta, network_info,
                              guest_data=guest_data)
        else:
            self.driver.spawn(context, instance, image_meta, network_info,
                              guest_data=guest_data,
                              block_device_info=block_device_info)

    def reject(self, context, instance, request_spec, alternates, exc):
        """Refuse a build this host cannot start (e.g. its queue is full):
        reschedule to an alternate or fail it."""
        start = compute_utils.utcnow()
        if self._start_spawning(context, instance,
                                allocate_network=False) is not None:
            self._destroy(context, instance)
            self._reschedule_or_fail(context, instance, request_spec,
                                     alternates, exc, start)

    def _start_spawning(self, context, instance, allocate_network=True):
        """task_state None → spawning on this host (a call: the build is
        ours only if it matched); ``{'network_info': [VIF] of the new NIC,
        'guest_data': what the guest is told (secrets: never logged)}``,
        or None."""
        started = self.conductor.build_start(
            context, instance.uuid, self.host,
            allocate_network=allocate_network,
            guest_data=allocate_network and configdrive.wanted(instance))
        if started is None:
            LOG.info('Not building %s: it is gone or no longer waits for '
                     '%s', instance.uuid, self.host)
        return started

    def _image_meta(self, context, instance, request_spec, volumes=None):
        """The image the guest boots with: the request's; for a server
        booted from a volume, the image the volume was made of (its
        kernel and properties), or an empty one (the volume boots by
        itself)."""
        if request_spec.image is not None:
            return request_spec.image
        if build_volumes.is_volume_backed(volumes):
            if volumes.get('image_id'):
                try:
                    return self.image_api.get(context, volumes['image_id'])
                except exception.ImageNotFound:
                    LOG.info('Image %s of the root volume of %s is gone',
                             volumes['image_id'], instance.uuid)
            return instance_obj.ImageMeta(id='', properties={})
        return self.image_api.get(context, instance.image_ref)

    def _destroy(self, context, instance, network_info=None):
        try:
            self.driver.destroy(context, instance, [])
        except Exception:  # noqa: BLE001 - cleanup is best effort
            LOG.exception('Cleanup of %s failed', instance.uuid)
        if self.dhcp is not None and network_info:
            try:
                self.dhcp.remove(network_info)
            except Exception:  # noqa: BLE001 - cleanup is best effort
                LOG.exception('DHCP entries of %s not removed',
                              instance.uuid)
        if self.security_groups is not None and network_info:
            self.security_groups.remove(instance.uuid)
        if self.floating_ips is not None and network_info:
            # A user's port keeps its floating IPs: the NAT goes with
            # the build to its next host.
            self.floating_ips.set(instance.uuid, [])

    def _finish(self, context, instance, start, network_info=None,
                volumes=None):
        outcome = self.conductor.build_finish(
            context, instance.uuid, self.host,
            _event('Success', start, finish_action=True))
        if outcome == 'active':
            LOG.info('Instance %s is ACTIVE on %s', instance.uuid,
                     self.host)
            metrics.build_active(instance)
            done = dict(state=states.ACTIVE, task_state=None,
                        power_state='running',
                        launched_at=compute_utils.utcnow())
            notifications.instance_update(
                context, instance, self.host, states.BUILDING,
                states.SPAWNING, network_info=network_info, **done)
            notifications.instance_action(
                context, instance, 'instance.create.end', self.host,
                network_info=network_info,
                block_devices=inst_payload.BlockDevicePayload
                .from_block_device_info(volumes), **done)
            return
        # The instance changed while spawning: a delete (which waits on
        # our lock and cleans up) or the sweeper (we clean up).
        if outcome != 'deleting':
            LOG.info('Instance %s was taken over while spawning; cleaning '
                     'up', instance.uuid)
            self._destroy(context, instance, network_info)
            self.conductor.instance_release_resources(context,
                                                      instance.uuid)

    def _reschedule_or_fail(self, context, instance, spec, alternates, exc,
                            start):
        # Faults keep 255 characters of message: name the host and the
        # cause, not the instance (the fault is the instance's own).
        reason = 'Build on host %s failed: %s' % (self.host, exc)
        reschedulable = not isinstance(exc, exception.BuildAbortException)
        reschedule = bool(reschedulable and alternates)
        if reschedulable and not alternates:
            reason = ('Exhausted all hosts available for retrying build '
                      'failures. Last error: %s' % reason)
        fault = {'code': compute_utils.fault_code(exc), 'message': reason}
        if not reschedule:
            notifications.instance_action(
                context, instance, 'instance.create.error', self.host,
                fault=exc, state=states.ERROR, task_state=None)
        if not self.conductor.build_failed(
                context, instance.uuid, self.host,
                _event('Error', start, finish_action=not reschedule),
                fault, reschedule=reschedule):
            return
        instance.host = instance.node = None
        instance.task_state = states.SCHEDULING
        self.conductor.build_instances(context, [instance], spec,
                                       host_lists=[alternates])
