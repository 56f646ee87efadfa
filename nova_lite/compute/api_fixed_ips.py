"""More or fewer fixed IPs on a server's NIC, in the compute API's
service layer: the ``addFixedIp``/``removeFixedIp`` server actions
(compute API reference, "Add (Associate) Fixed Ip (addFixedIp Action)
(DEPRECATED)", up to microversion 2.43) and CloudStack's
``addIpToNic``/``removeIpFromNic`` (doc/interfaces.md, "Fixed IPs of a
NIC").

``FixedIpActions`` is mixed into ``nova_lite.compute.api.API`` (it uses
``get``, ``_check_locked`` and ``compute``). As Nova's Neutron path,
an added address goes on the server's existing port on the network (no
new NIC), and a removed one leaves the port; nova_lite keeps a NIC's
last address (400 ``FixedIpLastOfPort``: detach the interface instead).

The address changes in the database here, so the caller gets the
errors at once (Nova casts and fails later, into an instance fault):
404 ``NetworkNotFoundForInstance`` (no port of the server on that
network), 400 ``NoMoreFixedIps``, 400 ``FixedIpNotFoundForInstance``.
Then the instance action ``addFixedIp``/``removeFixedIp`` starts and
the server's compute applies the new address list (RPC 1.17 casts
``add_fixed_ip_to_instance``/``remove_fixed_ip_from_instance``: DHCP
entry, security group chains, the legacy ``compute.instance.create_ip``
/ ``delete_ip`` notifications, the action's event). A server without a
host (shelved offloaded) has nothing plugged: the API finishes the
action and sends the notifications itself; its compute reads the
addresses when it is unshelved.

States: a server in a settled state (``FIXED_IP_VM_STATES``) with no
task in progress, not locked (409 otherwise; Nova checks only the
lock, but an address changed mid-build or mid-move would be applied to
a host the server is leaving).
"""
from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.db import actions as action_db
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite.network import interfaces as network_interfaces
from nova_lite import notifications
from nova_lite.objects import instance as instance_obj

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

#: vm_states a server's fixed IPs change in.
FIXED_IP_VM_STATES = (states.ACTIVE, states.VM_PAUSED, states.VM_SUSPENDED,
                      states.STOPPED, states.RESCUED, states.SHELVED,
                      states.SHELVED_OFFLOADED)
ADD_ACTION = 'addFixedIp'
REMOVE_ACTION = 'removeFixedIp'
#: The action events the API records for a server without a host.
ADD_EVENT = 'api_add_fixed_ip'
REMOVE_EVENT = 'api_remove_fixed_ip'


class FixedIpActions:
    """addFixedIp / removeFixedIp (mixed into ``compute.api.API``)."""

    def _fixed_ip_instance(self, context, instance_uuid, action):
        instance = self.get(context, instance_uuid)
        self._check_locked(context, instance)
        if instance.vm_state not in FIXED_IP_VM_STATES:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance_uuid,
                attr='vm_state', state=instance.vm_state)
        if instance.task_state is not None:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance_uuid,
                attr='task_state', state=instance.task_state)
        return instance

    def add_fixed_ip(self, context, instance_uuid, network_id=None,
                     port_id=None, address=None):
        """One more fixed IP on the server's port ``port_id``, or on its
        first port on network ``network_id``: ``address``, or a free one
        of the network's first subnet with one.

        :returns: (port dict of ``network.interfaces.nic_port``, address)
        :raises: InstanceNotFound, NetworkNotFoundForInstance,
            PortNotFound (404); InstanceIsLocked, InstanceInvalidState,
            IpAddressAlreadyAllocated (409); NoMoreFixedIps,
            InvalidIpForNetwork, InvalidIpForSubnet, BadRequest (400)
        """
        instance = self._fixed_ip_instance(context, instance_uuid,
                                           ADD_ACTION)
        port = network_interfaces.nic_port(context, instance_uuid,
                                           network_uuid=network_id,
                                           port_uuid=port_id)
        address = network_interfaces.add_fixed_ip(context, port, address)
        action_db.action_start(context, instance_uuid, ADD_ACTION)
        if instance.host:
            self.compute.add_fixed_ip_to_instance(
                context, instance.host, instance_uuid, address)
        else:
            self._fixed_ips_recorded(context, instance, 'create_ip',
                                     ADD_EVENT)
        return port, address

    def remove_fixed_ip(self, context, instance_uuid, address):
        """Free the server's fixed IP ``address`` (its port stays).

        :returns: the uuid of the port that held it
        :raises: InstanceNotFound (404); InstanceIsLocked,
            InstanceInvalidState (409); FixedIpNotFoundForInstance,
            FixedIpLastOfPort (400)
        """
        instance = self._fixed_ip_instance(context, instance_uuid,
                                           REMOVE_ACTION)
        port_id = network_interfaces.remove_fixed_ip(context, instance_uuid,
                                                     address)
        action_db.action_start(context, instance_uuid, REMOVE_ACTION)
        if instance.host:
            self.compute.remove_fixed_ip_from_instance(
                context, instance.host, instance_uuid, address)
        else:
            self._fixed_ips_recorded(context, instance, 'delete_ip',
                                     REMOVE_EVENT)
        return port_id

    def _fixed_ips_recorded(self, context, instance, event, action_event):
        """A server without a host: nothing to apply; the notifications
        (``compute.instance.<event>.start``/``.end``) and the finished
        action from the API."""
        network_info = network_api.get_instance_nw_info(context,
                                                        instance.uuid)
        server = instance_obj.Instance.from_db(instance)
        for phase in ('start', 'end'):
            notifications.legacy_instance_action(
                context, server, 'instance.%s.%s' % (event, phase),
                CONF.host, binary=notifications.API,
                network_info=network_info if phase == 'end' else None)
        action_db.action_event_record(context, instance.uuid, action_event,
                                      'Success', None, None,
                                      finish_action=True)
        LOG.info('Fixed IPs of %s changed (no host: applied at its next '
                 'plug)', instance.uuid)
