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
