"""Errors of the Networking API (``nova_lite.api.network``), named as
Neutron names them: the fault body's ``type`` is the class name of the
error when it has ``neutron_type`` set (Networking API reference,
"Faults"), else the HTTP class of its status (``HTTPBadRequest``...).
"""
from nova_lite import exception


class NetworkError(exception.NovaLiteException):
    """Base: errors whose class name is their Neutron fault type."""
    neutron_type = True


class BadRequest(NetworkError):
    """400: invalid input (fault type ``HTTPBadRequest``)."""
    msg_fmt = 'Invalid input for %(attribute)s. Reason: %(reason)s.'
    code = 400
    neutron_type = False


class NetworkNotFound(NetworkError):
    msg_fmt = 'Network %(net_id)s could not be found.'
    code = 404


class SubnetNotFound(NetworkError):
    msg_fmt = 'Subnet %(subnet_id)s could not be found.'
    code = 404


class PortNotFound(NetworkError):
    msg_fmt = 'Port %(port_id)s could not be found.'
    code = 404


class SecurityGroupNotFound(NetworkError):
    msg_fmt = 'Security group %(id)s does not exist'
    code = 404


class SecurityGroupRuleNotFound(NetworkError):
    msg_fmt = 'Security group rule %(id)s does not exist'
    code = 404


class ExtensionNotFound(NetworkError):
    msg_fmt = 'Extension with alias %(alias)s does not exist'
    code = 404


class PolicyNotAuthorized(NetworkError):
    msg_fmt = "(rule:%(action)s) is disallowed by policy"
    code = 403


class SecurityGroupInUse(NetworkError):
    msg_fmt = 'Security Group %(id)s in use.'
    code = 409


class SecurityGroupRuleExists(NetworkError):
    msg_fmt = 'Security group rule already exists. Rule id is %(rule_id)s.'
    code = 409


class SecurityGroupCannotRemoveDefault(NetworkError):
    msg_fmt = 'Insufficient rights for removing default security group.'
    code = 409


class SecurityGroupCannotUpdateDefault(NetworkError):
    msg_fmt = 'Updating default security group not allowed.'
    code = 409


class SecurityGroupDefaultAlreadyExists(NetworkError):
    msg_fmt = 'Default security group already exists.'
    code = 409


class NotImplementedOperation(NetworkError):
    """400: resources nova_lite lists but does not create, change or
    delete yet (networks, subnets and ports: doc/network-api.md); a 400
    ``HTTPBadRequest`` as Neutron answers a request its plugins refuse."""
    msg_fmt = '%(operation)s is not supported by this deployment: ' \
              '%(reason)s'
    code = 400
    neutron_type = False


class NetworkInUse(NetworkError):
    """409: a network with ports (Networking API "Delete network")."""
    msg_fmt = 'Unable to complete operation on network %(net_id)s. ' \
              'There are one or more ports still in use on the network.'
    code = 409


class SubnetInUse(NetworkError):
    """409: a subnet with allocated addresses ("Delete subnet")."""
    msg_fmt = 'Unable to complete operation on subnet %(subnet_id)s: ' \
              'One or more ports have an IP allocation from this subnet.'
    code = 409


class PortInUse(NetworkError):
    """409: a port bound to another device (server create with a port)."""
    msg_fmt = 'Unable to complete operation on port %(port_id)s for ' \
              'network %(net_id)s. Port already has an attached device ' \
              '%(device_id)s.'
    code = 409


class IpAddressAlreadyAllocated(NetworkError):
    """409: a fixed IP another port holds."""
    msg_fmt = 'IP address %(ip)s already allocated in subnet %(subnet_id)s'
    code = 409


class IpAddressGenerationFailure(NetworkError):
    """409: no free address in the network's allocation pools."""
    msg_fmt = 'No more IP addresses available on network %(net_id)s.'
    code = 409


class MacAddressInUse(NetworkError):
    """409: a MAC address another port has."""
    msg_fmt = 'Unable to complete operation for network %(net_id)s. ' \
              'The mac address %(mac)s is in use.'
    code = 409


class InvalidIpForSubnet(NetworkError):
    """400: a fixed IP outside its subnet's CIDR (or its network or
    broadcast address)."""
    msg_fmt = 'IP address %(ip_address)s is not a valid IP for the ' \
              'specified subnet.'
    code = 400


class InvalidIpForNetwork(NetworkError):
    """400: a fixed IP in none of the network's subnets."""
    msg_fmt = 'IP address %(ip_address)s is not a valid IP for any of ' \
              'the subnets on the specified network.'
    code = 400


class InvalidAllocationPool(NetworkError):
    """400: a pool outside the CIDR, reversed, or of the wrong form."""
    msg_fmt = 'The allocation pool %(pool)s is not valid.'
    code = 400


class OverlappingAllocationPools(NetworkError):
    """400: two pools of a subnet share addresses."""
    msg_fmt = 'Found overlapping allocation pools: %(pool_1)s %(pool_2)s ' \
              'for subnet %(subnet_cidr)s.'
    code = 400


class GatewayConflictWithAllocationPools(NetworkError):
    """409: the gateway is inside an allocation pool."""
    msg_fmt = 'Gateway ip %(ip_address)s conflicts with allocation pool ' \
              '%(pool)s.'
    code = 409


class InvalidSubnetCidrOverlap(NetworkError):
    """400: a subnet overlapping another subnet of its network (the API
    reference's "Invalid input for operation: Requested subnet with cidr
    ... overlaps with another subnet"); fault type ``InvalidInput``."""
    msg_fmt = 'Invalid input for operation: Requested subnet with cidr: ' \
              '%(cidr)s for network: %(net_id)s overlaps with another ' \
              'subnet.'
    code = 400
    neutron_type = False


class OverQuota(NetworkError):
    """409: the project's quota of the resource is used up."""
    msg_fmt = 'Quota exceeded for resources: [\'%(overs)s\'].'
    code = 409


class PortBound(NetworkError):
    """409: changing the MAC of a port a server uses."""
    msg_fmt = 'Unable to complete operation on port %(port_id)s, port is ' \
              'already bound, port type: bridge, old_mac %(old_mac)s, ' \
              'new_mac %(new_mac)s.'
    code = 409


class NetworkAmbiguous(NetworkError):
    """409 (compute API): a server create without networks in a project
    with several networks (Nova's NetworkAmbiguous)."""
    msg_fmt = 'Multiple possible networks found, use a Network ID to be ' \
              'more specific.'
    code = 409


class ExternalNetworkAttachForbidden(NetworkError):
    """403 (compute API): a server on an external network that is not
    shared, for non-admins (Nova's ExternalNetworkAttachForbidden)."""
    msg_fmt = 'It is not allowed to create an interface on external ' \
              'network %(network_uuid)s'
    code = 403


# ------------------------------------------------- routers and floating IPs
# (Networking API reference, "Routers", "Floating IPs"; Neutron's names.)

class RouterNotFound(NetworkError):
    msg_fmt = 'Router %(router_id)s could not be found'
    code = 404


class FloatingIPNotFound(NetworkError):
    msg_fmt = 'Floating IP %(floatingip_id)s could not be found'
    code = 404


class RouterInUse(NetworkError):
    """409: deleting a router with interfaces."""
    msg_fmt = 'Router %(router_id)s %(reason)s'
    code = 409


class RouterInterfaceNotFound(NetworkError):
    """404: removing a port that is not an interface of the router."""
    msg_fmt = 'Router %(router_id)s does not have an interface with id ' \
              '%(port_id)s'
    code = 404


class RouterInterfaceNotFoundForSubnet(NetworkError):
    """404: removing a subnet the router has no interface on."""
    msg_fmt = 'Router %(router_id)s has no interface on subnet ' \
              '%(subnet_id)s'
    code = 404


class RouterInterfaceInUseByFloatingIP(NetworkError):
    """409: removing an interface floating IPs go through."""
    msg_fmt = 'Router interface for subnet %(subnet_id)s on router ' \
              '%(router_id)s cannot be deleted, as it is required by one ' \
              'or more floating IPs.'
    code = 409


class RouterExternalGatewayInUseByFloatingIp(NetworkError):
    """409: clearing or changing a gateway floating IPs go through."""
    msg_fmt = 'Gateway cannot be updated for router %(router_id)s, since ' \
              'a gateway to external network %(net_id)s is required by ' \
              'one or more floating IPs.'
    code = 409


class ExternalGatewayForFloatingIPNotFound(NetworkError):
    """404: associating a fixed IP whose subnet has no router to the
    floating IP's network."""
    msg_fmt = 'External network %(external_network_id)s is not reachable ' \
              'from subnet %(subnet_id)s.  Therefore, cannot associate ' \
              'Port %(port_id)s with a Floating IP.'
    code = 404


class FloatingIPPortAlreadyAssociated(NetworkError):
    """409: the fixed IP has a floating IP of that network already."""
    msg_fmt = 'Cannot associate floating IP %(fip_id)s with port ' \
              '%(port_id)s using fixed IP %(fixed_ip)s, as that fixed IP ' \
              'already has a floating IP on the external network.'
    code = 409


class L3PortInUse(NetworkError):
    """409: deleting a router's or floating IP's port directly."""
    msg_fmt = 'Port %(port_id)s has owner %(device_owner)s and therefore ' \
              'cannot be deleted directly via the port API.'
    code = 409
