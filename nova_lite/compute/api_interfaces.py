"""Interface attach and detach in the compute API's service layer
(compute API reference, "Port interfaces (servers, os-interface)";
doc/interfaces.md).

``InterfaceActions`` is mixed into ``nova_lite.compute.api.API`` (it
uses ``get``, ``_check_locked`` and ``compute``). Nova's rules: attach
and detach from ACTIVE, PAUSED or STOPPED with no task in progress
(409 otherwise, and for a locked server and non-admins); the instance
actions ``attach_interface`` and ``detach_interface`` record them.

- attach: the port is made (``net_id``) or bound (``port_id``) here,
  then the compute plugs it (RPC call, 1.14); when the compute fails the
  port is released again and the answer is Nova's 500
  InterfaceAttachFailed;
- detach: the port must be the server's (404), then the compute unplugs
  it and the conductor releases it (RPC cast, 1.14): the API answers 202
  at once.
"""
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.db import actions as action_db
from nova_lite import exception
from nova_lite.network import errors
from nova_lite.network import interfaces as network_interfaces

LOG = logging.getLogger(__name__)

#: vm_states a server's interfaces change in (Nova's attach_interface
#: and detach_interface ``check_instance_state``).
INTERFACE_VM_STATES = (states.ACTIVE, states.PAUSED, states.STOPPED)


class InterfaceActions:
    """os-interface (mixed into ``compute.api.API``)."""

    def list_interfaces(self, context, instance_uuid):
        """The server's ports (``nova_lite.db.ports.ports_get`` dicts).

        :raises: InstanceNotFound (404)
        """
        self.get(context, instance_uuid)
        return network_interfaces.list_ports(context, instance_uuid)

    def show_interface(self, context, instance_uuid, port_id):
        """The server's port ``port_id``.

        :raises: InstanceNotFound, PortNotFound (404)
        """
        self.get(context, instance_uuid)
        return network_interfaces.get_port(context, instance_uuid, port_id)

    def _interface_instance(self, context, instance_uuid, action):
        instance = self.get(context, instance_uuid)
        self._check_locked(context, instance)
        if instance.vm_state not in INTERFACE_VM_STATES or \
                instance.host is None:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance_uuid,
                attr='vm_state', state=instance.vm_state)
        if instance.task_state is not None:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance_uuid,
                attr='task_state', state=instance.task_state)
        return instance

    def attach_interface(self, context, instance_uuid, net_id=None,
                         port_id=None, fixed_ip=None, tag=None):
        """Give the server a NIC on ``net_id`` (at ``fixed_ip`` when
        given), or the caller's port ``port_id``; neither: the network a
        create without ``networks`` would use. ``tag`` is its device tag
        (2.49).

        :returns: the port (``ports_get`` dict) once plugged
        :raises: InstanceNotFound, NetworkNotFound, PortNotFound (404);
            InstanceIsLocked, InstanceInvalidState, PortInUse,
            IpAddressAlreadyAllocated, IpAddressGenerationFailure,
            NetworkAmbiguous (409); BadRequest, InvalidIpForNetwork
            (400); InterfaceAttachFailed (500)
        """
        instance = self._interface_instance(context, instance_uuid,
                                            'attach_interface')
        if not port_id and not net_id:
            net_id = network_interfaces.default_network(context)
        port_id = network_interfaces.allocate_port(
            context, instance, net_id=net_id, port_id=port_id,
            fixed_ip=fixed_ip, tag=tag)
        action_db.action_start(context, instance_uuid, 'attach_interface')
        try:
            self.compute.attach_interface(context, instance.host,
                                          instance_uuid, port_id)
        except Exception as exc:
            LOG.warning('Attaching port %s to %s failed: %s', port_id,
                        instance_uuid, exc)
            network_interfaces.release_port(context.elevated(),
                                            instance_uuid, port_id)
            if isinstance(exc, (exception.NotFound, errors.PortNotFound)):
                raise
            raise exception.InterfaceAttachFailed(
                instance_uuid=instance_uuid) from exc
        return network_interfaces.get_port(context, instance_uuid, port_id)

    def detach_interface(self, context, instance_uuid, port_id):
        """Unplug and release the server's port ``port_id`` (the
        compute's cast: done soon after the answer).

        :raises: InstanceNotFound, PortNotFound (404); InstanceIsLocked,
            InstanceInvalidState (409)
        """
        instance = self._interface_instance(context, instance_uuid,
                                            'detach_interface')
        network_interfaces.get_port(context, instance_uuid, port_id)
        action_db.action_start(context, instance_uuid, 'detach_interface')
        self.compute.detach_interface(context, instance.host,
                                      instance_uuid, port_id)
        LOG.info('Detaching port %s from %s', port_id, instance_uuid)
