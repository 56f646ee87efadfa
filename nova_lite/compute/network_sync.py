"""The data plane of a compute's guests, kept equal to the database
(doc/networking.md, "Faults"): each port's DHCP host entry
(``network.dhcp``/``network.linux_net``), security group chains
(``compute.port_firewall``) and floating IP NAT
(``compute.floating_ips``).

- ``_network_sync`` (start-up, and the periodic ``sync_network``):
  rebuilt whole from the conductor's data for the live instances of the
  host; entries, chains and mappings of instances no longer here go, so
  a delete or a move handled while this compute was down leaves nothing
  open, and a flushed ruleset or a killed dnsmasq comes back.
- ``_network_plug``: a guest arriving on this host (the end of a resize,
  cold migration, evacuation, unshelve, or a reverted resize on its
  source): DHCP entry and chains before it boots (the chains are read
  by instance, as the server's host may still be the source);
  ``_network_nat`` once the database names this host.
- ``_network_unplug``: a guest leaving (deleted, a failed build, moved
  away): its entries, chains and NAT go.

A guest plugged by a move is kept by the resyncs until the database
records it here (``_arriving``, {instance uuid: (hostname, [VIF])}): a
periodic resync between its plug and the end of its move must not
drop its chains while it boots.

Mixed into ``ComputeManager``, whose ``dhcp``, ``security_groups``,
``floating_ips``, ``conductor``, ``host`` and ``_arriving`` it uses.
"""
import threading

from oslo_log import log as logging

from nova_lite import context as nl_context

LOG = logging.getLogger(__name__)


class LockedGuestNetworks:
    """A ``dhcp.HostsFile`` or ``linux_net.GuestNetworks`` whose changes
    and whose resync ("read the host's instances, then replace") take one
    lock, so a build's entry added between a resync's read and its write
    is not dropped by it."""

    def __init__(self, networks):
        self.networks = networks
        self._lock = threading.RLock()

    def __getattr__(self, name):
        return getattr(self.networks, name)

    def add(self, vifs, hostname):
        with self._lock:
            return self.networks.add(vifs, hostname)

    def remove(self, vifs):
        with self._lock:
            return self.networks.remove(vifs)

    def replace_all(self, instances):
        with self._lock:
            return self.networks.replace_all(instances)

    def sync(self, read):
        """``replace_all(read())`` under the lock; ``read`` returns
        (hostname, vifs) pairs."""
        with self._lock:
            return self.networks.replace_all(read())


class NetworkSyncMixin:
    """See the module doc."""

    def _host_nics(self, ctxt):
        """(hostname, [VIF]) of the live instances of this host (one
        conductor call, then one per instance) and of the guests
        arriving here."""
        nics = []
        arriving = dict(self._arriving)
        for row in self.conductor.instances_on_host(ctxt, self.host):
            arriving.pop(row.uuid, None)
            self._arriving.pop(row.uuid, None)   # recorded here now
            found = self.conductor.instance_get(ctxt, row.uuid,
                                                with_network=True)
            if found is not None:
                nics.append((found['instance'].hostname,
                             found['network_info']))
        return nics + list(arriving.values())

    def _sync_dhcp(self, ctxt):
        """Rewrite the DHCP hosts files (and the project networks'
        bridges and dnsmasqs) from the live instances of this host.

        :raises: MessagingTimeout, OSError, CalledProcessError
        """
        if self.dhcp is None:
            return
        self.dhcp.sync(lambda: self._host_nics(ctxt))

    def _network_sync(self, ctxt, fail=True):
        """DHCP, security groups and NAT of every port of the host from
        the conductor's data. With ``fail`` (start-up) a DHCP or
        firewall error is raised (the compute does not serve guests
        open); otherwise each is logged and the others go on."""
        for name, step in (('DHCP entries', self._sync_dhcp),
                           ('Security groups', lambda c: (
                               self.security_groups.sync_all(
                                   c, list(self._arriving)))),
                           ('Floating IPs', self.floating_ips.sync_all)):
            try:
                step(ctxt)
            except Exception:  # noqa: BLE001 - see the docstring
                if fail and name != 'Floating IPs':
                    raise
                LOG.exception('%s of %s not resynced', name, self.host)

    def _network_plug(self, context, instance, network_info):
        """A guest arrives here: its DHCP entries and its ports' chains
        (read by instance) before it boots.

        :raises: FirewallError, MessagingTimeout, OSError (the caller's
            move fails: no guest runs open)
        """
        self._arriving[instance.uuid] = (instance.hostname,
                                         list(network_info or []))
        if self.dhcp is not None and network_info:
            self.dhcp.add(network_info, instance.hostname)
        self.security_groups.adopt(context, instance.uuid)

    def _network_nat(self, context, instance_uuid):
        """``instance_uuid`` moved here is now recorded on this host:
        reapply this host's floating IPs from the conductor; errors are
        logged (the periodic resync tries again)."""
        self._arriving.pop(instance_uuid, None)
        try:
            self.floating_ips.sync_all(context)
        except Exception:  # noqa: BLE001 - resynced periodically
            LOG.exception('Floating IPs of %s not reapplied', self.host)

    def _network_unplug(self, instance_uuid, network_info):
        """A guest leaves this host (deleted, failed, moved away): its
        DHCP entries, chains and NAT go; errors are logged (the periodic
        resync removes what is left)."""
        self._arriving.pop(instance_uuid, None)
        self._dhcp_remove(instance_uuid, network_info)
        self.security_groups.remove(instance_uuid)
        self.floating_ips.set(instance_uuid, [])

    def _dhcp_remove(self, instance_uuid, network_info):
        """Drop the instance's DHCP entries; errors are logged (a delete
        must not fail on them)."""
        if self.dhcp is None or not network_info:
            return
        try:
            self.dhcp.remove(network_info)
        except Exception:  # noqa: BLE001 - best effort, logged
            LOG.exception('DHCP entries of %s not removed', instance_uuid)

    def sync_network(self):
        """Periodic: DHCP entries, security groups and floating IPs of
        every port of this host reapplied from the conductor's data
        (``[compute] network_sync_interval``)."""
        self._network_sync(nl_context.get_admin_context(), fail=False)
