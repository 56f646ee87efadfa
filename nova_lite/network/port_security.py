"""What the computes enforce for security groups, read from the
database on the API and conductor side (computes have none), and the
refresh casts that keep them current (doc/network-api.md,
"Enforcement").

``port_specs`` gives the port specs ``nova_lite.network.firewall``
renders: each port's address and MAC with every rule of its instance's
groups, a remote group resolved to the addresses of its members' ports.

A refresh goes to every host with an affected port, as
``refresh_security_groups(instance_uuids)`` (compute RPC 1.11); the
compute then asks the conductor for those ports' current specs (so
casts arriving out of order still leave the latest data applied):

- the rules of a group changed: the ports of its members;
- the members of a group changed (a server added to or removed from
  it, a member's port allocated or freed): the server itself and the
  ports of the members of every group with a rule naming it as remote
  group.

A failed cast is logged: the rules are stored, and the compute's next
refresh or restart applies them.
"""
from oslo_log import log as logging

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.db import network as network_db
from nova_lite.db import security_groups as sg_db

LOG = logging.getLogger(__name__)
_RULE_KEYS = ('direction', 'ethertype', 'protocol', 'port_range_min',
              'port_range_max', 'remote_ip_prefix')


def _member_addresses(context, group_ids):
    """{group id: [address of a member's port]}."""
    members = sg_db.instances_of_groups(context, group_ids)
    uuids = {u for found in members.values() for u in found}
    addresses = {}
    for port in network_db.ports_get(context, instance_uuids=uuids) \
            if uuids else ():
        addresses.setdefault(port['instance_uuid'], []).append(
            port['address'])
    return {gid: sorted({a for u in found for a in addresses.get(u, ())})
            for gid, found in members.items()}


def _spec_rule(rule, remote_ips):
    spec = {key: rule[key] for key in _RULE_KEYS}
    spec['id'] = rule['uuid']
    spec['remote_group_id'] = rule['remote_group_uuid']
    if rule['remote_group_id'] is not None:
        spec['remote_ips'] = remote_ips.get(rule['remote_group_id'], [])
    return spec


def port_specs(context, host=None, instance_uuids=None):
    """Port specs (``firewall`` module doc) of the live instances'
    ports, restricted to ``host`` and/or ``instance_uuids``; by port
    id. A port whose instance is in no group gets no rule (all ingress
    and egress dropped but replies, DHCP and metadata), as Neutron
    treats a port without groups with port security on."""
    ports = network_db.ports_get(context, host=host,
                                 instance_uuids=instance_uuids)
    if not ports:
        return []
    groups = sg_db.groups_of_instances(
        context, list({p['instance_uuid'] for p in ports}))
    group_ids = {g['id'] for found in groups.values() for g in found}
    rules = {}
    for rule in sg_db.rule_list(context, group_ids) if group_ids else ():
        rules.setdefault(rule['security_group_id'], []).append(rule)
    remote_ids = {r['remote_group_id'] for found in rules.values()
                  for r in found if r['remote_group_id'] is not None}
    remote_ips = _member_addresses(context, remote_ids)
    specs = []
    for port in sorted(ports, key=lambda p: p['port_id']):
        own = [_spec_rule(r, remote_ips)
               for g in groups.get(port['instance_uuid'], ())
               for r in rules.get(g['id'], ())]
        specs.append({'port_id': port['port_id'],
                      'instance_uuid': port['instance_uuid'],
                      'mac': port['mac'], 'fixed_ips': [port['address']],
                      'rules': own})
    return specs


def _cast(context, instance_uuids):
    """Cast ``refresh_security_groups`` to the host of each instance
    with a port. Returns {host: [instance uuid]} of the casts."""
    if not instance_uuids:
        return {}
    by_host = {}
    for port in network_db.ports_get(context,
                                     instance_uuids=set(instance_uuids)):
        host = port['instance']['host']
        if host:
            by_host.setdefault(host, set()).add(port['instance_uuid'])
    client = compute_rpcapi.ComputeAPI()
    for host, uuids in sorted(by_host.items()):
        try:
            client.refresh_security_groups(context, host, sorted(uuids))
        except Exception:  # noqa: BLE001 - the next refresh applies it
            LOG.exception('Security group refresh of %s not sent to %s',
                          sorted(uuids), host)
    return {host: sorted(uuids) for host, uuids in by_host.items()}


def refresh_rules(context, group_ids):
    """The rules of ``group_ids`` (ids) changed: refresh their members.
    Returns {host: [instance uuid]} of the casts."""
    members = sg_db.instances_of_groups(context, group_ids)
    return _cast(context, {u for found in members.values()
                           for u in found})


def refresh_members(context, group_ids, instance_uuids=(), exclude=()):
    """The members of ``group_ids`` changed (``instance_uuids`` joined
    or left them, or got or lost a port): refresh those instances and
    the members of the groups whose rules name ``group_ids`` as remote
    group, but ``exclude`` (an instance whose build carries its specs).
    Returns {host: [instance uuid]} of the casts."""
    referencing = sg_db.groups_referencing(context, group_ids)
    members = sg_db.instances_of_groups(context, referencing)
    uuids = {u for found in members.values() for u in found}
    uuids |= set(instance_uuids)
    return _cast(context, uuids - set(exclude))


def refresh_instance_members(context, instance_uuid, exclude_self=False):
    """An instance got or lost its ports: ``refresh_members`` of its
    groups. Returns {host: [instance uuid]} of the casts."""
    groups = sg_db.groups_of_instances(context, [instance_uuid]).get(
        instance_uuid, [])
    if not groups:
        return {}
    return refresh_members(context, [g['id'] for g in groups],
                           exclude=[instance_uuid] if exclude_self else ())
