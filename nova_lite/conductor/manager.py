"""Conductor service: orchestrates builds, sweeps stuck instances and does
the computes' database work (``compute_proxy``; RPC API 1.1)."""
from oslo_config import cfg
import oslo_messaging as messaging

from nova_lite.cloudstack import events as cs_events
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.conductor import build
from nova_lite.conductor import compute_proxy
from nova_lite.conductor import evacuate
from nova_lite.conductor import lifecycle_proxy
from nova_lite.conductor import live_migrate
from nova_lite.conductor import migrate
from nova_lite.conductor import reports
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite.conductor import resize
from nova_lite.conductor import shelve
from nova_lite.conductor import sweeper
from nova_lite.conductor import volume_proxy
from nova_lite.network import nat
from nova_lite.scheduler import rpcapi as scheduler_rpcapi
from nova_lite import service

CONF = cfg.CONF


class ConductorManager(resize.ResizeEndpoint, shelve.ShelveEndpoint,
                       migrate.MigrateEndpoint, evacuate.EvacuateEndpoint,
                       live_migrate.LiveMigrateEndpoint,
                       volume_proxy.VolumeAttachEndpoint, service.Manager):
    """RPC endpoint of the ``conductor`` topic (resizes: 1.6,
    ``conductor.resize``; shelve: 1.7, ``conductor.shelve``; security
    groups: 1.8; floating IPs: 1.9; cold migration and evacuation:
    1.10, ``conductor.migrate``, ``conductor.evacuate``; interface
    detach: 1.11; live migration: 1.12,
    ``conductor.live_migrate``; volume attachments: 1.13, their
    reconciliation by a restarted compute: 1.16, their moves: 1.17, a
    root volume's re-image: 1.18, ``conductor.volume_proxy``; many
    heartbeats in one message: 1.19)."""

    target = messaging.Target(version='1.19')

    def __init__(self, host):
        super().__init__(host)
        compute = compute_rpcapi.ComputeAPI()
        self.build_flow = build.BuildFlow(scheduler_rpcapi.SchedulerAPI(),
                                          compute)
        self.sweeper = sweeper.Sweeper(self.build_flow, compute)
        self.reports = reports.ReportBatcher()

    def build_instances(self, context, instances, request_spec,
                        host_lists=None):
        """See ``build.BuildFlow.build_instances``."""
        self.build_flow.build_instances(context, instances, request_spec,
                                        host_lists)

    # -- the computes' database access (1.1), see compute_proxy ----------

    def service_register(self, context, host, binary, topic):
        return compute_proxy.service_register(context, host, binary, topic)

    def service_heartbeat(self, context, service_id, host, binary, topic):
        """Queued, written in a batch (``conductor.reports``)."""
        self.reports.heartbeat(context, service_id, host, binary, topic)

    def service_heartbeats(self, context, services):
        """1.19: each of ``services`` (``[service_id, host, binary,
        topic]``) queued as ``service_heartbeat``."""
        for service_id, host, binary, topic in services:
            self.reports.heartbeat(context, service_id, host, binary, topic)

    def extra_rpc_servers(self):
        """The heartbeat topic (1.19, ``rpcapi.LIVENESS_TOPIC``): its own
        consumer and threads, so that heartbeats never wait behind a
        backlog of builds on the conductor topic."""
        return [(messaging.Target(topic=conductor_rpcapi.LIVENESS_TOPIC,
                                  server=self.host), [LivenessEndpoint(self)])]

    def compute_node_report(self, context, **kwargs):
        """Queued, written in a batch (``conductor.reports``)."""
        self.reports.node_report(context, **kwargs)

    def instance_get(self, context, instance_uuid, with_network=False,
                     read_deleted=False):
        return compute_proxy.instance_get(context, instance_uuid,
                                          with_network, read_deleted)

    def instance_states_get(self, context, instance_uuid):
        return compute_proxy.instance_states_get(context, instance_uuid)

    def instances_on_host(self, context, host):
        return compute_proxy.instances_on_host(context, host)

    def instance_update(self, context, instance_uuid, values, expected=None,
                        host=None, event=None):
        return compute_proxy.instance_update(context, instance_uuid, values,
                                             expected, host, event)

    def instance_set_error(self, context, instance_uuid, message, host,
                           event, expected=None, code=500):
        return compute_proxy.instance_set_error(
            context, instance_uuid, message, host, event, expected, code)

    def instance_release_resources(self, context, instance_uuid,
                                   network_only=False):
        compute_proxy.instance_release_resources(context, instance_uuid,
                                                 network_only)

    def instance_terminated(self, context, instance_uuid, host, event):
        compute_proxy.instance_terminated(context, instance_uuid, host,
                                          event)

    def build_start(self, context, instance_uuid, host,
                    allocate_network=True, guest_data=False,
                    port_security=False):
        return compute_proxy.build_start(context, instance_uuid, host,
                                         allocate_network,
                                         guest_data=guest_data,
                                         port_security=port_security)

    def port_security_get(self, context, host, instance_uuids=None):
        return compute_proxy.port_security_get(context, host,
                                               instance_uuids)

    def floating_ips_get(self, context, host):
        return nat.host_mappings(context, host)

    def build_finish(self, context, instance_uuid, host, event):
        return compute_proxy.build_finish(context, instance_uuid, host,
                                          event)

    def build_failed(self, context, instance_uuid, host, event, fault,
                     reschedule=False):
        return compute_proxy.build_failed(context, instance_uuid, host,
                                          event, fault, reschedule)

    # -- the computes' instance usage audit (1.2) -------------------------

    def usage_audit_begin(self, context, host, begin, end):
        return compute_proxy.usage_audit_begin(context, host, begin, end)

    def usage_audit_end(self, context, host, begin, end, errors, message):
        compute_proxy.usage_audit_end(context, host, begin, end, errors,
                                      message)

    # -- soft delete (1.4) -------------------------------------------------

    def instances_to_reclaim(self, context, host):
        return compute_proxy.instances_to_reclaim(context, host)

    # -- the computes' rebuild and snapshots (1.5), see lifecycle_proxy ---

    def guest_data_get(self, context, instance_uuid):
        return lifecycle_proxy.guest_data_get(context, instance_uuid)

    def instance_action_failed(self, context, instance_uuid, values,
                               expected, host, fault, event):
        return lifecycle_proxy.instance_action_failed(
            context, instance_uuid, values, expected, host, fault, event)

    # -- interface detach (1.11) ------------------------------------------

    def interface_detached(self, context, instance_uuid, port_id, host,
                           event):
        return compute_proxy.interface_detached(context, instance_uuid,
                                                port_id, host, event)

    def post_start_hook(self):
        """Recover what a previous conductor left half done (its casts may
        be lost), once the RPC server is up; start recording CloudStack
        events from notifications (``cloudstack.events``)."""
        self.sweeper.sweep()
        self._event_recorder = cs_events.start_recorder()

    def cleanup_host(self):
        self.reports.stop()
        recorder = getattr(self, '_event_recorder', None)
        if recorder is not None:
            recorder.stop()
            recorder.wait()

    def periodic_tasks(self):
        return [(self.sweeper.sweep, CONF.conductor.sweep_interval)]


class LivenessEndpoint:
    """The heartbeat methods of ``ConductorManager`` on the heartbeat
    topic (1.19), and nothing else."""

    target = messaging.Target(version='1.19')

    def __init__(self, manager):
        self._manager = manager

    def service_heartbeat(self, context, service_id, host, binary, topic):
        self._manager.service_heartbeat(context, service_id, host, binary,
                                        topic)

    def service_heartbeats(self, context, services):
        self._manager.service_heartbeats(context, services)
