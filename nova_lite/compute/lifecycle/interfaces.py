"""The compute's interface hot-plug (RPC 1.14 ``attach_interface``,
``detach_interface``; doc/interfaces.md; compute API reference, "Port
interfaces (servers, os-interface)").

``InterfaceMixin`` is mixed into ``nova_lite.compute.manager.
ComputeManager``. Both run under the per-instance lock, with
instance.interface_attach.start/.end (.error on a failure) or
instance.interface_detach.start/.end, and the action event
``compute_attach_interface`` / ``compute_detach_interface`` of the
API's ``attach_interface`` / ``detach_interface`` action.

- attach (a call: the API answers with the interface once it is
  plugged): the port is already the server's in the database (the API
  made or bound it); the compute adds its DHCP entry (a project
  network's bridge is made then), applies the server's security groups
  (the new port's included), then asks the driver to plug it. A
  failure undoes the DHCP entry and raises InterfaceAttachFailed: the
  API releases the port.
- detach (a cast): the driver unplugs the NIC, its DHCP entry goes,
  the conductor releases the port (``interface_detached``: deleted when
  made for the server, unbound when the user's) and records the event,
  then the security groups are reapplied without it. A driver failure
  keeps the port attached and records the event as an Error.
"""
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_lite.compute import lifecycle
from nova_lite.compute import utils as compute_utils
from nova_lite import exception
from nova_lite import notifications

LOG = logging.getLogger(__name__)
ATTACH_EVENT = 'compute_attach_interface'
DETACH_EVENT = 'compute_detach_interface'


def _vif(network_info, port_id):
    for vif in network_info:
        if vif.port_id == port_id:
            return vif
    return None


class InterfaceMixin:
    """``attach_interface`` and ``detach_interface`` of
    ``ComputeManager`` (it provides ``driver``, ``conductor``, ``host``,
    ``dhcp``, ``security_groups``, ``_instance`` and ``_event``)."""

    @messaging.expected_exceptions(exception.InstanceNotFound,
                                   exception.PortNotAttached,
                                   exception.InterfaceAttachFailed,
                                   exception.NotSupportedByDriver)
    def attach_interface(self, context, instance_uuid, port_id):
        """RPC call (1.14): plug the server's port ``port_id`` into its
        guest.

        :raises: InstanceNotFound; PortNotAttached (the port is not the
            server's); InterfaceAttachFailed (the driver failed: nothing
            is left plugged); NotSupportedByDriver
        """
        start = compute_utils.utcnow()
        with lifecycle.instance_lock(instance_uuid):
            found = self._instance(context, instance_uuid,
                                   with_network=True)
            instance, network_info = found['instance'], found['network_info']
            vif = _vif(network_info, port_id)
            if vif is None:
                raise exception.PortNotAttached(port_id=port_id,
                                                instance_uuid=instance_uuid)
            before = [v for v in network_info if v.port_id != port_id]
            notifications.instance_action(
                context, instance, 'instance.interface_attach.start',
                self.host, network_info=before)
            try:
                self._plug(context, instance, vif)
            except Exception as exc:
                self._attach_failed(context, instance, before, vif, exc,
                                    start)
                if isinstance(exc, NotImplementedError):
                    raise exception.NotSupportedByDriver(
                        operation='interface attach',
                        host=self.host) from None
                raise exception.InterfaceAttachFailed(
                    instance_uuid=instance_uuid) from exc
            self.conductor.instance_update(
                context, instance_uuid, {}, host=self.host,
                event=self._event(ATTACH_EVENT, start))
            notifications.instance_action(
                context, instance, 'instance.interface_attach.end',
                self.host, network_info=network_info)
        LOG.info('Port %s plugged into %s', port_id, instance_uuid)
        return vif.mac

    def _plug(self, context, instance, vif):
        # The DHCP entry first: it makes a project network's bridge
        # when this is the host's first NIC on it, so the firewall's
        # apply finds the bridge to turn its netfilter flags on.
        if self.dhcp is not None:
            self.dhcp.add([vif], instance.hostname)
        # Filtered before the tap exists: the NIC never runs open.
        self.security_groups.refresh(context, [instance.uuid])
        self.driver.attach_interface(context, instance, vif)

    def _attach_failed(self, context, instance, before, vif, exc, start):
        LOG.warning('Attaching port %s to %s failed: %s', vif.port_id,
                    instance.uuid, exc)
        self._dhcp_remove(instance.uuid, [vif])
        notifications.instance_action(
            context, instance, 'instance.interface_attach.error',
            self.host, network_info=before, fault=exc)
        self.conductor.instance_update(
            context, instance.uuid, {}, host=self.host,
            event=self._event(ATTACH_EVENT, start, 'Error', str(exc)))

    def detach_interface(self, context, instance_uuid, port_id):
        """Cast target (1.14): unplug the NIC of ``port_id`` from the
        guest and release the port; never raises (a failure is the
        action event's Error and a log line)."""
        start = compute_utils.utcnow()
        with lifecycle.instance_lock(instance_uuid):
            try:
                found = self._instance(context, instance_uuid,
                                       with_network=True)
            except exception.InstanceNotFound:
                return
            instance, network_info = found['instance'], found['network_info']
            vif = _vif(network_info, port_id)
            if vif is None:
                LOG.info('Port %s is no NIC of %s: nothing to detach',
                         port_id, instance_uuid)
                return
            notifications.instance_action(
                context, instance, 'instance.interface_detach.start',
                self.host, network_info=network_info)
            try:
                self.driver.detach_interface(context, instance, vif)
            except Exception as exc:  # noqa: BLE001 - reported as event
                LOG.exception('Detaching port %s from %s failed', port_id,
                              instance_uuid)
                self.conductor.instance_update(
                    context, instance_uuid, {}, host=self.host,
                    event=self._event(DETACH_EVENT, start, 'Error',
                                      str(exc)))
                return
            self._dhcp_remove(instance_uuid, [vif])
            self.conductor.interface_detached(
                context, instance_uuid, port_id, self.host,
                self._event(DETACH_EVENT, start))
            self.security_groups.refresh(context, [instance_uuid])
            notifications.instance_action(
                context, instance, 'instance.interface_detach.end',
                self.host, network_info=[v for v in network_info
                                         if v.port_id != port_id])
        LOG.info('Port %s unplugged from %s', port_id, instance_uuid)
