"""Client side of the conductor RPC API (topic ``conductor``).

Computes have no database access: what they read or write goes through
the 1.1 methods below (server side: ``conductor.compute_proxy``). Calls
where the compute needs the outcome, casts everywhere else.

History:
    1.0 - build_instances(instances, request_spec, host_lists)
    1.1 - The compute's database access (all added together):
          service_register (call), service_heartbeat (cast),
          compute_node_report (cast), instance_get (call),
          instance_states_get (call), instances_on_host (call),
          instance_update (call or cast), instance_set_error (cast),
          instance_release_resources (cast), instance_terminated (cast),
          build_start (call), build_finish (call), build_failed (call)
    1.2 - The compute's instance usage audit (``compute.usage_audit``):
          usage_audit_begin (call), usage_audit_end (cast)
    1.3 - build_start(guest_data=True) also answers what the guest is
          told about itself (its config drive: user data, public key,
          admin password, metadata, NICs)
    1.4 - instances_to_reclaim (call): the soft-deleted instances of a
          host whose reclaim time has come (doc/lifecycle.md)
    1.5 - The compute's rebuild and snapshots (``compute.lifecycle``):
          guest_data_get (call), instance_action_failed (call)
    1.6 - Resizes (``rpcapi_resize``): resize_instance (cast from the
          API), migration_get, resize_update, resize_finished,
          resize_confirmed, resize_reverted, resize_failed (calls)
    1.7 - Shelve (``rpcapi_shelve``): unshelve_instance (cast from the
          API), instances_to_offload, instance_shelved,
          instance_offloaded (calls from the computes)
    1.8 - Security groups (doc/network-api.md, "Enforcement"):
          port_security_get (call), and build_start(port_security=True)
          answering a dict with the build's port specs
    1.9 - Floating IPs (doc/networking.md, "Floating IPs"):
          floating_ips_get (call)
    1.10 - Server moves (``rpcapi_migrate``):
          migrate_server (call from the API: cold migration),
          evacuate_server (cast from the API), evacuate_finished,
          evacuate_failed, evacuations_to_clean, evacuation_cleaned
          (calls from the computes)
    1.11 - Interface detach (doc/interfaces.md): interface_detached
          (call from the computes)
    1.12 - Live migration (``rpcapi_live_migrate``):
          live_migrate_instance (call before microversion 2.34, else
          cast, from the API), live_migration_update (cast: status and
          progress), live_migration_finished, live_migration_rollback
          (calls from the computes)
    1.13 - Volume attachments (``rpcapi_volume``, doc/volumes.md):
          volume_connect, volume_attached, volume_attach_failed,
          volume_detached, volume_detach_failed (calls from the computes)
    1.15 - Boot from volume (``rpcapi_volume``, doc/volumes.md "Boot from
          volume"): boot_volumes_prepare, boot_volumes_attached (calls
          from the building computes)
    1.16 - Volume reconciliation of a restarted compute (``rpcapi_volume``,
          doc/volumes.md "Sweeper and restarts"):
          volume_attachments_of_instances, volume_export_ensure (calls
          from the computes)
    1.17 - A server's volumes through its moves (``rpcapi_volume``,
          doc/volumes.md "Moves"): volume_connections (who reaches the
          exports: resize, migrations, live migration, evacuate,
          unshelve, rebuild), volume_disconnect (shelve offload) (calls
          from the computes)
    1.18 - A volume-backed server rebuilt with another image (compute
          API 2.93; ``rpcapi_volume``, doc/volumes.md "Boot from
          volume"): volume_reimage (call from the computes)
"""
from oslo_log import log as logging
import oslo_messaging as messaging
import tenacity

from nova_lite.conductor import rpcapi_live_migrate
from nova_lite.conductor import rpcapi_migrate
from nova_lite.conductor import rpcapi_resize
from nova_lite.conductor import rpcapi_shelve
from nova_lite.conductor import rpcapi_volume
from nova_lite import rpc

LOG = logging.getLogger(__name__)
TOPIC = 'conductor'
#: Topic of the heartbeats (1.19): a queue of their own, so that a
#: backlog of builds on ``TOPIC`` never delays them past
#: ``service_down_time`` (every host would be reported down).
LIVENESS_TOPIC = 'conductor_liveness'

#: Seconds one attempt of a repeated call waits for its answer. A
#: conductor killed while handling a call never answers it (the message
#: was acknowledged on receipt), so a short wait lets the next attempt
#: reach the restarted conductor soon, rather than after a whole
#: rpc_response_timeout.
RETRY_ATTEMPT_TIMEOUT = 10
#: Attempts of a build's ``build_start``/``build_finish`` (5 minutes of
#: an unanswering conductor: half the sweeper's default build_timeout).
#: A conductor behind on its calls (a burst at 100 fake hosts on the HA
#: clusters) answered a build_start after the compute's sixth attempt,
#: and the build was left spawning until the sweeper set it to ERROR.
BUILD_CALL_ATTEMPTS = 30


#: Exception classes a conductor answers with when its database is
#: unreachable (oslo.db's): a repeated call waits for the database too.
DB_UNAVAILABLE = ('DBConnectionError',)
#: Seconds a repeated call keeps asking while the conductor's database
#: is unreachable (an outage of the database, not of the conductor).
DB_RETRY_SECONDS = 90
#: Longest pause (seconds) between two asks while the database is down.
DB_RETRY_MAX_WAIT = 5


def _db_unavailable(exc):
    return (isinstance(exc, messaging.RemoteError)
            and exc.exc_type in DB_UNAVAILABLE)


def _retryable(exc):
    """A call worth repeating: unanswered, or answered "database
    unreachable" (the conductor rolled back or the repeat is harmless)."""
    return isinstance(exc, messaging.MessagingTimeout) or _db_unavailable(exc)


def _log_retry(state):
    method = state.args[1] if len(state.args) > 1 else 'a call'
    db_down = _db_unavailable(state.outcome.exception())
    what = 'could not reach its database for' if db_down else \
        'did not answer'
    LOG.warning('Conductor %s %s (attempt %d); asking again', what, method,
                state.attempt_number)


def _wait(state):
    """No pause after a timeout (it waited already); after a database
    error 0.5, 1, 2, 4, then DB_RETRY_MAX_WAIT seconds."""
    if not _db_unavailable(state.outcome.exception()):
        return 0
    return min(DB_RETRY_MAX_WAIT, 0.5 * 2 ** (state.attempt_number - 1))


def _retrying(attempts, stopping=None):
    """tenacity policy: repeat on MessagingTimeout, ``attempts`` at most
    (None: without end), and on a conductor's "database unreachable" for
    DB_RETRY_SECONDS; never once ``stopping()`` is true; the last error
    is raised."""
    def stop(state):
        if stopping is not None and stopping():
            return True
        if _db_unavailable(state.outcome.exception()):
            return state.seconds_since_start >= DB_RETRY_SECONDS
        return attempts is not None and state.attempt_number >= attempts
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(_retryable), stop=stop,
        wait=_wait, reraise=True, before_sleep=_log_retry)


class ConductorAPI(rpcapi_resize.ResizeAPI, rpcapi_shelve.ShelveAPI,
                   rpcapi_migrate.MigrateAPI,
                   rpcapi_live_migrate.LiveMigrateAPI,
                   rpcapi_volume.VolumeAttachAPI):
    """Client of the conductor; see the module doc for each method's
    server side, arguments and result."""

    VERSION = '1.19'

    def __init__(self):
        self.client = rpc.get_client(messaging.Target(topic=TOPIC,
                                                      version=self.VERSION))
        self.liveness_client = rpc.get_client(messaging.Target(
            topic=LIVENESS_TOPIC, version=self.VERSION))

    def build_instances(self, context, instances, request_spec,
                        host_lists=None):
        """Cast: schedule (or, with ``host_lists``, reschedule onto the
        given alternates) and build ``instances``."""
        self.client.prepare(version='1.0').cast(
            context, 'build_instances', instances=instances,
            request_spec=request_spec, host_lists=host_lists)

    def wait_until_ready(self, context, attempts=None, attempt_timeout=5,
                         stopping=None):
        """Block until a conductor answers a ping (the compute's first
        call at start, when the conductor may still be starting).

        :param attempts: pings of ``attempt_timeout`` seconds each before
            giving up (None: never give up)
        :param stopping: callable; no new ping once it returns true (the
            process was asked to stop)
        :raises: MessagingTimeout after ``attempts`` unanswered pings, or
            after the unanswered ping during which ``stopping()`` became true
        """
        client = self.client.prepare(version='1.0', timeout=attempt_timeout)
        _retrying(attempts, stopping)(client.call, context, 'ping')

    def _call(self, context, method, **kwargs):
        return self.client.prepare(version='1.1').call(context, method,
                                                       **kwargs)

    def _call_until_answered(self, context, method, attempts=6,
                             **kwargs):
        """A call repeated on MessagingTimeout (a conductor restarting),
        each attempt waiting ``RETRY_ATTEMPT_TIMEOUT`` seconds, and while
        the conductor's database is unreachable (DB_RETRY_SECONDS), for
        methods whose repetition is harmless (``build_start``,
        ``build_finish``).

        :raises: MessagingTimeout after ``attempts`` timeouts; RemoteError
            (DBConnectionError) after DB_RETRY_SECONDS
        """
        client = self.client.prepare(version='1.1',
                                     timeout=RETRY_ATTEMPT_TIMEOUT)
        return _retrying(attempts)(client.call, context, method, **kwargs)

    def _cast(self, context, method, **kwargs):
        self.client.prepare(version='1.1').cast(context, method, **kwargs)

    # -- services and resources ------------------------------------------

    def service_register(self, context, host, binary, topic):
        """Call: the services row's dict (``id`` among its keys)."""
        return self._call(context, 'service_register', host=host,
                          binary=binary, topic=topic)

    def service_heartbeat(self, context, service_id, host, binary, topic):
        """Cast: heartbeat (re-registers a deleted row); on the heartbeat
        topic from 1.19."""
        if not self.client.can_send_version('1.19'):
            self._cast(context, 'service_heartbeat', service_id=service_id,
                       host=host, binary=binary, topic=topic)
            return
        self.liveness_client.prepare(version='1.19').cast(
            context, 'service_heartbeat', service_id=service_id, host=host,
            binary=binary, topic=topic)

    def service_heartbeats(self, context, services):
        """Cast (1.19), on the heartbeat topic: the heartbeats of
        ``services``, a list of ``[service_id, host, binary, topic]``, in
        one message (each re-registers a deleted row, as
        ``service_heartbeat``); one cast per service to a conductor
        capped below 1.19."""
        if not self.client.can_send_version('1.19'):
            for service_id, host, binary, topic in services:
                self.service_heartbeat(context, service_id, host, binary,
                                       topic)
            return
        self.liveness_client.prepare(version='1.19').cast(
            context, 'service_heartbeats', services=services)

    def compute_node_report(self, context, host, nodename, resources,
                            ratios, reserved_memory_mb, reserved_disk_gb):
        """Cast: the resource report of one node (MiB, GiB)."""
        self._cast(context, 'compute_node_report', host=host,
                   nodename=nodename, resources=resources, ratios=ratios,
                   reserved_memory_mb=reserved_memory_mb,
                   reserved_disk_gb=reserved_disk_gb)

    # -- instances -----------------------------------------------------

    def instance_get(self, context, instance_uuid, with_network=False,
                     read_deleted=False):
        """Call: Instance, {'instance', 'network_info'} with
        ``with_network``, or None when there is none."""
        return self._call(context, 'instance_get',
                          instance_uuid=instance_uuid,
                          with_network=with_network,
                          read_deleted=read_deleted)

    def instance_states_get(self, context, instance_uuid):
        """Call: partial Instance (uuid, host, the states) or None."""
        return self._call(context, 'instance_states_get',
                          instance_uuid=instance_uuid)

    def instances_on_host(self, context, host):
        """Call: [Instance] of the live instances of ``host``."""
        return self._call(context, 'instances_on_host', host=host)

    def instance_update(self, context, instance_uuid, values, expected=None,
                        host=None, event=None, wait=False):
        """Conditional write, then ``event`` (dict name, result, start,
        details, finish_action) if given. A cast; with ``wait`` a call
        returning whether ``expected`` ({'task_state', 'vm_state',
        'host'}: value) held."""
        kwargs = dict(instance_uuid=instance_uuid, values=values,
                      expected=expected, host=host, event=event)
        if wait:
            return self._call(context, 'instance_update', **kwargs)
        self._cast(context, 'instance_update', **kwargs)
        return None

    def instance_set_error(self, context, instance_uuid, message, host,
                           event, expected=None, code=500):
        """Cast: ERROR with a fault under ``expected``, release, event."""
        self._cast(context, 'instance_set_error',
                   instance_uuid=instance_uuid, message=message, host=host,
                   event=event, expected=expected, code=code)

    def instance_release_resources(self, context, instance_uuid,
                                   network_only=False):
        """Cast: free the claim and fixed IPs (idempotent)."""
        self._cast(context, 'instance_release_resources',
                   instance_uuid=instance_uuid, network_only=network_only)

    def instance_terminated(self, context, instance_uuid, host, event):
        """Cast: release, record ``event``, delete the record."""
        self._cast(context, 'instance_terminated',
                   instance_uuid=instance_uuid, host=host, event=event)

    # -- builds ----------------------------------------------------------

    def build_start(self, context, instance_uuid, host,
                    allocate_network=True, guest_data=True):
        """Call (repeated on timeout and while the conductor's database is
        unreachable: a repeat is harmless) when the build is ours (None →
        spawning matched, or already spawning here): ``{'network_info':
        [VIF], 'guest_data': dict}``; ``guest_data`` is None unless asked
        for (a build with a config drive: reading it costs the conductor
        SQL every other build is spared) or from a conductor older than
        1.3 (the build then has no config drive). None when the build is
        not ours. The guest data holds secrets: never log it.

        From a 1.8 conductor the dict also has ``port_security``: the
        port specs of the instance's ports (``network.port_security``);
        absent from an older one."""
        if self.client.can_send_version('1.8'):
            client = self.client.prepare(version='1.8',
                                         timeout=RETRY_ATTEMPT_TIMEOUT)
            return _retrying(BUILD_CALL_ATTEMPTS)(
                client.call, context, 'build_start',
                instance_uuid=instance_uuid, host=host,
                allocate_network=allocate_network,
                guest_data=bool(guest_data), port_security=True)
        if not guest_data or not self.client.can_send_version('1.3'):
            network_info = self._call_until_answered(
                context, 'build_start', attempts=BUILD_CALL_ATTEMPTS,
                instance_uuid=instance_uuid,
                host=host, allocate_network=allocate_network)
            if network_info is None:
                return None
            return {'network_info': network_info, 'guest_data': None}
        client = self.client.prepare(version='1.3',
                                     timeout=RETRY_ATTEMPT_TIMEOUT)
        return _retrying(BUILD_CALL_ATTEMPTS)(
            client.call, context, 'build_start',
            instance_uuid=instance_uuid, host=host,
            allocate_network=allocate_network, guest_data=True)

    def port_security_get(self, context, host, instance_uuids=None):
        """Call (1.8, repeated on timeout): the port specs
        (``network.port_security.port_specs``) of the live instances of
        ``host``, of ``instance_uuids`` only when given."""
        client = self.client.prepare(version='1.8',
                                     timeout=RETRY_ATTEMPT_TIMEOUT)
        return _retrying(6)(client.call, context, 'port_security_get',
                            host=host, instance_uuids=instance_uuids)

    def floating_ips_get(self, context, host):
        """Call (1.9, repeated on timeout): ``{instance uuid:
        [{"floating_ip_address", "fixed_ip_address"}]}`` of the live
        servers of ``host`` with floating IPs
        (``network.nat.host_mappings``)."""
        client = self.client.prepare(version='1.9',
                                     timeout=RETRY_ATTEMPT_TIMEOUT)
        return _retrying(6)(client.call, context, 'floating_ips_get',
                            host=host)

    def build_finish(self, context, instance_uuid, host, event):
        """Call (repeated on timeout): 'active', 'deleting' or 'lost'."""
        return self._call_until_answered(context, 'build_finish',
                                         attempts=BUILD_CALL_ATTEMPTS,
                                         instance_uuid=instance_uuid,
                                         host=host, event=event)

    def build_failed(self, context, instance_uuid, host, event, fault,
                     reschedule=False):
        """Call: True when the compute must cast the reschedule."""
        return self._call(context, 'build_failed',
                          instance_uuid=instance_uuid, host=host,
                          event=event, fault=fault, reschedule=reschedule)

    # -- instance usage audit (1.2) ---------------------------------------

    def usage_audit_begin(self, context, host, begin, end):
        """Call: begin the usage audit of ``host`` for the period
        ``[begin, end)`` (isotime text): ``[[Instance, {launched_at,
        terminated_at, deleted_at}], ...]`` of the instances the host had
        during the period, or None when the period was already audited
        there."""
        return self.client.prepare(version='1.2').call(
            context, 'usage_audit_begin', host=host, begin=begin, end=end)

    def usage_audit_end(self, context, host, begin, end, errors, message):
        """Cast: the audit of ``host`` for the period is DONE with
        ``errors`` failed notifications."""
        self.client.prepare(version='1.2').cast(
            context, 'usage_audit_end', host=host, begin=begin, end=end,
            errors=errors, message=message)

    # -- soft delete (1.4) -------------------------------------------------

    def instances_to_reclaim(self, context, host):
        """Call: uuids (list of str) of the SOFT_DELETED instances of
        ``host``, with no task, whose ``reclaim_at`` has come."""
        return self.client.prepare(version='1.4').call(
            context, 'instances_to_reclaim', host=host)

    # -- rebuild and snapshots (1.5) --------------------------------------

    def guest_data_get(self, context, instance_uuid):
        """Call: what the guest is told about itself (its config drive;
        ``nova_lite.metadata.lookup.guest_data``), or None when the
        instance is gone. Secrets: never log it."""
        return self.client.prepare(version='1.5').call(
            context, 'guest_data_get', instance_uuid=instance_uuid)

    def instance_action_failed(self, context, instance_uuid, values,
                               expected, host, fault, event):
        """Call: an action of ``host`` failed: write ``values`` under
        ``expected`` ({'task_state', 'vm_state', 'host'}: value) with the
        instance fault ``fault`` (dict code, message, details), then
        record ``event`` (as ``instance_update`` takes it); True when
        ``expected`` held."""
        return self.client.prepare(version='1.5').call(
            context, 'instance_action_failed', instance_uuid=instance_uuid,
            values=values, expected=expected, host=host, fault=fault,
            event=event)

    # -- interfaces (1.11) -------------------------------------------------

    def interface_detached(self, context, instance_uuid, port_id, host,
                           event):
        """Call (1.11, repeated on timeout: a repeat is harmless): the
        guest of ``host`` no longer has the NIC of port ``port_id``;
        the port is deleted (made for the server) or unbound (the
        user's) and ``event`` recorded (as ``instance_update`` takes
        it). Returns 'deleted', 'unbound' or None (not the server's
        port any more)."""
        client = self.client.prepare(version='1.11',
                                     timeout=RETRY_ATTEMPT_TIMEOUT)
        return _retrying(6)(client.call, context, 'interface_detached',
                            instance_uuid=instance_uuid, port_id=port_id,
                            host=host, event=event)
