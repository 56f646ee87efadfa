"""The compute's side of a NIC's changed fixed IPs (RPC 1.17 casts
``add_fixed_ip_to_instance``, ``remove_fixed_ip_from_instance``;
compute API ``addFixedIp``/``removeFixedIp``, CloudStack
``addIpToNic``/``removeIpFromNic``; doc/interfaces.md).

``FixedIpMixin`` is mixed into ``nova_lite.compute.manager.
ComputeManager``. The API changed the port's addresses in the database
before the cast; under the per-instance lock the compute reads the
server's network info (a conductor call) and applies it, as Nova's
``add_fixed_ip_to_instance`` re-reads the network info and resets the
guest's networking:

- the DHCP entries of its NICs (one per port: its first address, so a
  removed first address gives way to the next);
- the security group chains of its ports (anti-spoofing and ingress
  rules now cover exactly the port's addresses);
- the legacy notifications Nova sends, ``compute.instance.create_ip``
  / ``delete_ip`` ``.start`` and ``.end`` (unversioned format only:
  Nova has no versioned ones);
- the action event ``compute_add_fixed_ip_to_instance`` /
  ``compute_remove_fixed_ip_from_instance``, which finishes the API's
  ``addFixedIp``/``removeFixedIp`` action (Error with the reason when
  applying failed: the periodic network resync applies it later).

The guest is not reconfigured: as with Nova's libvirt driver, it takes
the new address itself (or at its next boot through DHCP for a first
address).
"""
from oslo_log import log as logging

from nova_lite.compute import lifecycle
from nova_lite.compute import utils as compute_utils
from nova_lite import exception
from nova_lite import notifications

LOG = logging.getLogger(__name__)
ADD_EVENT = 'compute_add_fixed_ip_to_instance'
REMOVE_EVENT = 'compute_remove_fixed_ip_from_instance'


class FixedIpMixin:
    """``add_fixed_ip_to_instance`` and ``remove_fixed_ip_from_instance``
    of ``ComputeManager`` (it provides ``conductor``, ``host``,
    ``dhcp``, ``security_groups``, ``_instance`` and ``_event``)."""

    def add_fixed_ip_to_instance(self, context, instance_uuid, address):
        """Cast target (1.17): the server's port has the new fixed IP
        ``address``; never raises."""
        self._fixed_ips_changed(context, instance_uuid, address,
                                'create_ip', ADD_EVENT)

    def remove_fixed_ip_from_instance(self, context, instance_uuid,
                                      address):
        """Cast target (1.17): the server's port lost ``address``; never
        raises."""
        self._fixed_ips_changed(context, instance_uuid, address,
                                'delete_ip', REMOVE_EVENT)

    def _fixed_ips_changed(self, context, instance_uuid, address, event,
                           action_event):
        start = compute_utils.utcnow()
        with lifecycle.instance_lock(instance_uuid):
            try:
                found = self._instance(context, instance_uuid,
                                       with_network=True)
            except exception.InstanceNotFound:
                return
            instance, network_info = found['instance'], found['network_info']
            notifications.legacy_instance_action(
                context, instance, 'instance.%s.start' % event, self.host)
            try:
                if self.dhcp is not None and network_info:
                    self.dhcp.add(network_info, instance.hostname)
                self.security_groups.refresh(context, [instance_uuid])
            except Exception as exc:  # noqa: BLE001 - reported as event
                LOG.exception('Fixed IP %s of %s not applied', address,
                              instance_uuid)
                self.conductor.instance_update(
                    context, instance_uuid, {}, host=self.host,
                    event=self._event(action_event, start, 'Error',
                                      str(exc)))
                return
            self.conductor.instance_update(
                context, instance_uuid, {}, host=self.host,
                event=self._event(action_event, start))
            notifications.legacy_instance_action(
                context, instance, 'instance.%s.end' % event, self.host,
                network_info=network_info)
        LOG.info('Fixed IPs of %s applied (%s %s)', instance_uuid, event,
                 address)
