"""The ``addFixedIp`` and ``removeFixedIp`` server actions (compute API
reference, "Add (Associate) Fixed Ip (addFixedIp Action) (DEPRECATED)",
"Remove (Disassociate) Fixed Ip (removeFixedIp Action) (DEPRECATED)";
microversions 2.1-2.43, 404 from 2.44 as Nova; doc/interfaces.md):

- ``addFixedIp`` ``{"networkId"}`` (202): one more fixed IP on the
  server's port on that network (``compute.api_fixed_ips``); 404 when
  the server has no port on it, 400 when the network has no free
  address;
- ``removeFixedIp`` ``{"address"}`` (202): the address leaves the port
  holding it; 400 when the server has no such address or it is its
  NIC's only one.

Both: 404 for an unknown server (or another project's), 409 for a
locked server, one in a transitional state or with a task in progress.
Rules ``os_compute_api:os-multinic:add`` and ``:remove`` (checked by the
action dispatcher, ``server_actions``).
"""
from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite import exception
from nova_lite.policies import multinic as multinic_policies

#: The last microversion with addFixedIp/removeFixedIp.
LAST_ACTION_VERSION = '2.43'


def _action_version():
    if microversion.at_least('2.44'):
        raise exception.NotFound('The resource could not be found.')


def add_fixed_ip(context, server_id, args):
    """``addFixedIp``: 202."""
    _action_version()
    openstack.compute_api().add_fixed_ip(context, server_id,
                                         network_id=str(args['networkId']))
    return '', 202


def remove_fixed_ip(context, server_id, args):
    """``removeFixedIp``: 202."""
    _action_version()
    openstack.compute_api().remove_fixed_ip(context, server_id,
                                            args['address'])
    return '', 202


ACTIONS = {
    'addFixedIp': (multinic_policies.MULTINIC % 'add', add_fixed_ip),
    'removeFixedIp': (multinic_policies.MULTINIC % 'remove',
                      remove_fixed_ip),
}
