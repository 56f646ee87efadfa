"""The compute's side of security group enforcement (doc/network-api.md,
"Enforcement"): the port specs of this host's guests, from builds,
refreshes and start-up, applied through the driver's firewall applier
(``network.firewall_driver``).

Every change takes one lock around "ask the conductor, then apply", so
concurrent refreshes apply in the order they read: the last applied
read is the newest. A delete removes the instance's chains after the
conductor deleted the instance (a refresh reading before that is
applied before the removal; one reading after finds no port).
"""
import threading

from oslo_log import log as logging

from nova_lite.network import firewall_driver

LOG = logging.getLogger(__name__)


class SecurityGroupAgent:
    """Port firewall of ``host``; a no-op when the driver filters
    nothing (``firewall_applier()`` None)."""

    def __init__(self, host, driver, conductor_rpcapi):
        self.host = host
        self.conductor = conductor_rpcapi
        applier = driver.firewall_applier()
        self.firewall = (firewall_driver.PortFirewall(applier)
                         if applier is not None else None)
        self._lock = threading.Lock()

    @property
    def enabled(self):
        return self.firewall is not None

    def sync_all(self, context, arriving=()):
        """Apply the current specs of every port of the host, and of the
        instances ``arriving`` here (uuids of guests moved here that the
        database does not name on this host yet), dropping all other
        chains (start-up, and the periodic resync that covers lost
        casts).

        :raises: FirewallError, MessagingTimeout
        """
        if not self.enabled:
            return
        with self._lock:
            specs = self.conductor.port_security_get(context, self.host)
            known = {s['instance_uuid'] for s in specs}
            extra = sorted(set(arriving) - known)
            if extra:
                specs = list(specs) + list(self.conductor.port_security_get(
                    context, None, extra))
            self.firewall.replace_all(specs)

    def refresh(self, context, instance_uuids):
        """Re-read and apply the ports of ``instance_uuids`` (a
        ``refresh_security_groups`` cast). Errors are logged: the
        periodic resync tries again."""
        if not self.enabled:
            return
        with self._lock:
            try:
                specs = self.conductor.port_security_get(
                    context, self.host, list(instance_uuids))
                self.firewall.set_instances(instance_uuids, specs)
            except Exception:  # noqa: BLE001 - resynced periodically
                LOG.exception('Security groups of %s not refreshed',
                              instance_uuids)
                return
        LOG.info('Security groups of %s refreshed (%d ports)',
                 instance_uuids, len(specs))

    def adopt(self, context, instance_uuid):
        """Apply the ports of ``instance_uuid`` read by instance, not by
        host: a guest moved here before the database names this host
        (the end of a resize, evacuation or unshelve), filtered before
        it boots.

        :raises: FirewallError, MessagingTimeout (the move fails: no
            guest runs open)
        """
        if not self.enabled:
            return
        with self._lock:
            specs = self.conductor.port_security_get(context, None,
                                                     [instance_uuid])
            self.firewall.set_instances([instance_uuid], specs)
        LOG.info('Security groups of %s applied on %s (%d ports)',
                 instance_uuid, self.host, len(specs))

    def members_changed(self, group_ids, instance_uuid, addresses):
        """Rules naming ``group_ids`` as remote group see
        ``instance_uuid`` at ``addresses`` (none: it left), from the
        specs held here (a ``security_group_members_changed`` cast; no
        conductor call). Errors are logged: the periodic resync tries
        again."""
        if not self.enabled:
            return
        with self._lock:
            try:
                changed = self.firewall.update_members(
                    group_ids, instance_uuid, addresses)
            except Exception:  # noqa: BLE001 - resynced periodically
                LOG.exception('Members of security groups %s not updated',
                              group_ids)
                return
        if changed:
            LOG.info('Security groups %s: member %s now at %s', group_ids,
                     instance_uuid, addresses)

    def build(self, instance_uuid, specs):
        """Apply the specs a build carries before the guest starts.
        ``specs`` None (a conductor older than RPC 1.8) leaves the
        ports to the next resync, with a warning.

        :raises: FirewallError (the build fails: no guest runs open)
        """
        if not self.enabled:
            return
        if specs is None:
            LOG.warning('The build of %s carries no security groups (an '
                        'old conductor): its ports are filtered at the '
                        'next resync', instance_uuid)
            return
        with self._lock:
            self.firewall.set_instances([instance_uuid], specs)

    def remove(self, instance_uuid):
        """Drop the instance's chains; errors are logged (a delete must
        not fail on them; the next resync drops them)."""
        if not self.enabled:
            return
        with self._lock:
            try:
                self.firewall.remove_instance(instance_uuid)
            except Exception:  # noqa: BLE001 - resynced periodically
                LOG.exception('Security group chains of %s not removed',
                              instance_uuid)
