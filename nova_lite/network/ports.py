"""Ports of the Networking API: the fixed IP allocations of live
instances (``nova_lite.db.network.ports_get``) with the uuids of their
instances' security groups."""
from nova_lite.db import network as network_db
from nova_lite.db import security_groups as sg_db


def get_ports(context, project_id=None, port_ids=None):
    """Port dicts of ``ports_get`` (all projects when ``project_id`` is
    None) with ``security_group_ids``: the uuids of the instance's
    groups."""
    ports = network_db.ports_get(context, project_id, port_ids)
    groups = sg_db.groups_of_instances(
        context, list({p['instance_uuid'] for p in ports}))
    for port in ports:
        port['security_group_ids'] = [g['uuid'] for g in groups.get(
            port['instance_uuid'], [])]
    return ports
