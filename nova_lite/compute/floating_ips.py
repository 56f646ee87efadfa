"""The compute's side of floating IPs (doc/networking.md, "Floating
IPs"): the mappings of this host's servers, from ``set_floating_ips``
casts (compute RPC 1.12) and, at start-up, from the conductor
(``floating_ips_get``, conductor RPC 1.9), applied as a whole through
the driver's NAT applier (``network.nat_driver``) under one lock.
"""
import threading

from oslo_log import log as logging

LOG = logging.getLogger(__name__)


class FloatingIPAgent:
    """1:1 NAT of ``host``; a no-op when the driver has no NAT
    applier (``nat_applier()`` None)."""

    def __init__(self, host, driver, conductor_rpcapi):
        self.host = host
        self.conductor = conductor_rpcapi
        self.applier = driver.nat_applier()
        self.mappings = {}
        self._lock = threading.Lock()

    @property
    def enabled(self):
        return self.applier is not None

    def _apply(self):
        self.applier.apply([(m['floating_ip_address'],
                             m['fixed_ip_address'])
                            for found in self.mappings.values()
                            for m in found])

    def sync_all(self, context):
        """Apply every mapping of the host, as the conductor reads them
        (start-up). :raises: NatError, MessagingTimeout"""
        if not self.enabled:
            return
        with self._lock:
            self.mappings = dict(self.conductor.floating_ips_get(
                context, self.host))
            self._apply()
        LOG.info('Floating IPs of %d servers applied', len(self.mappings))

    def set(self, instance_uuid, mappings):
        """The server's mappings are now ``mappings`` ([] for none:
        nothing is applied when it had none here); errors are logged
        (the periodic resync reapplies)."""
        if not self.enabled:
            return
        with self._lock:
            if not mappings and instance_uuid not in self.mappings:
                return    # nothing of it here (a delete, a move away)
            if mappings:
                self.mappings[instance_uuid] = [dict(m) for m in mappings]
            else:
                self.mappings.pop(instance_uuid, None)
            try:
                self._apply()
            except Exception:  # noqa: BLE001 - reapplied at start-up
                LOG.exception('Floating IPs of %s not applied',
                              instance_uuid)
                return
        LOG.info('Floating IPs of %s: %s', instance_uuid,
                 [m['floating_ip_address'] for m in mappings])
