"""IPAM of the flat network: one fixed IP and one MAC per instance.

The network itself is created from ``[network]`` (label, fixed_range,
gateway, bridge) on first use; it is idempotent across processes.
"""
import threading

from oslo_config import cfg

from nova_lite.db import network as network_db
from nova_lite import exception
from nova_lite.network import port_security
from nova_lite.objects import instance as instance_obj

CONF = cfg.CONF

#: ``instances.network_request`` of a server created without any network
#: (``"networks": "none"``, compute API microversion 2.37): no fixed IP is
#: allocated and the driver gets no NIC.  NULL means the flat network.
NO_NETWORK = 'none'
_CACHE = {}
_CACHE_LOCK = threading.Lock()


def get_default_network(context):
    """The flat network's dict, creating it from ``[network]`` if absent."""
    label = CONF.network.label
    with _CACHE_LOCK:
        if label in _CACHE:
            return _CACHE[label]
    try:
        network = network_db.network_get_by_label(context, label)
    except exception.NetworkNotFound:
        network = network_db.network_create(
            context, label, CONF.network.fixed_range,
            gateway=CONF.network.gateway, bridge=CONF.network.bridge)
    with _CACHE_LOCK:
        _CACHE[label] = network
    return network


def get_all(context):
    """Every network (dicts of ``networks`` columns: ``id``, ``uuid``,
    ``label``, ``cidr``, ...), by id."""
    return network_db.network_get_all(context)


def check_networks(context, network_uuids):
    """Servers can be attached to known networks only.

    :raises: NetworkNotFound (404) for the first unknown uuid
    """
    wanted = list(network_uuids or ())
    if not wanted:
        return
    known = {net['uuid'] for net in get_all(context)}
    for network_uuid in wanted:
        if network_uuid not in known:
            raise exception.NetworkNotFound(network_id=network_uuid)


def clear_cache():
    with _CACHE_LOCK:
        _CACHE.clear()


def allocate_for_instance(context, instance):
    """Allocate the instance's NIC; returns [objects.VIF]. The computes
    of ports whose rules name one of its groups as remote group are told
    its address (its own rules come with its build)."""
    network = get_default_network(context)
    fixed = network_db.fixed_ip_allocate(context, network['id'], instance.uuid)
    port_security.members_changed(context, instance.uuid,
                                  [fixed['address']])
    return [_vif(network, fixed['address'], fixed['mac'],
                 fixed.get('port_id'))]


def deallocate_for_instance(context, instance_uuid):
    """Free the instance's fixed IPs (idempotent; returns the count);
    when it had any, the computes of ports whose rules name one of its
    groups as remote group are told it left."""
    referrers = port_security.referrers(context, instance_uuid)
    count = network_db.fixed_ip_deallocate(context, instance_uuid)
    if count:
        port_security.members_changed(context, instance_uuid, [],
                                      referrers)
    return count


def get_instance_nw_info(context, instance_uuid):
    """[objects.VIF] of the instance's current allocations."""
    return [_vif(net, fip['address'], fip['mac'], fip.get('port_id'))
            for net, fip in
            network_db.fixed_ips_get_by_instance(context, instance_uuid)]


def _vif(network, address, mac, port_id=None):
    return instance_obj.VIF(address=address, mac=mac, port_id=port_id,
                            network_label=network['label'],
                            network_id=network['id'], cidr=network['cidr'],
                            gateway=network['gateway'],
                            bridge=network['bridge'])
