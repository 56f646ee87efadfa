"""What the computes enforce for security groups, read from the
database on the API and conductor side (computes have none), and the
refresh casts that keep them current (doc/network-api.md,
"Enforcement").

``port_specs`` gives the port specs ``nova_lite.network.firewall``
renders: each port's address and MAC with every rule of its instance's
groups, a remote group resolved to the addresses of its members' ports.

The computes hear of changes from casts (compute RPC 1.11) to every
host with an affected port. ``refresh_security_groups(instance_uuids)``
makes the compute ask the conductor for those ports' current specs (so
casts arriving out of order still leave the latest data applied):

- the rules of a group changed: the ports of its members;
- a server added to or removed from a group: the server itself and the
  ports of the members of every group with a rule naming it as remote
  group;
- a member's port allocated or freed (``members_changed``): the hosts
  of the members of every group with a rule naming one of its groups as
  remote group get ``security_group_members_changed(group_ids,
  instance_uuid, addresses)`` and update those rules themselves (no
  database read on the boot path; a lost or overtaken cast is repaired
  by the compute's periodic resync).

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


def _spec_rule(rule):
    spec = {key: rule[key] for key in _RULE_KEYS}
    spec['id'] = rule['uuid']
    spec['remote_group_id'] = rule['remote_group_uuid']
    if rule['remote_group_id'] is not None:
        spec['remote_members'] = {}
    return spec


def _rules_by_instance(rows):
    """{instance uuid: [spec rule]} of ``sg_db.port_rules`` rows."""
    found = {}
    for uuid, rule, member, address in rows:
        rules = found.setdefault(uuid, {})
        spec = rules.get(rule['uuid'])
        if spec is None:
            spec = rules[rule['uuid']] = _spec_rule(rule)
        if address is not None and 'remote_members' in spec:
            spec['remote_members'].setdefault(member, []).append(address)
    return {uuid: list(rules.values()) for uuid, rules in found.items()}


def port_specs(context, host=None, instance_uuids=None, ports=None):
    """Port specs (``firewall`` module doc) of the live instances'
    ports, restricted to ``host`` and/or ``instance_uuids``, or of
    ``ports`` (dicts ``port_id``, ``instance_uuid``, ``mac``,
    ``address``: a build's NICs) when given, one spec per port with
    every address of it (a port with several fixed IPs comes as one
    item per address, in allocation order); by port id. Remote groups
    come as ``remote_members`` {member uuid: [address]} (the port's own
    instance included). Two statements (one with ``ports``).

    A port whose instance is in no group gets no rule (all ingress and
    egress dropped but replies, DHCP and metadata), as Neutron treats a
    port without groups with port security on."""
    if ports is None:
        ports = network_db.ports_get(context, host=host,
                                     instance_uuids=instance_uuids)
    if not ports:
        return []
    rules = _rules_by_instance(sg_db.port_rules(
        context, list({p['instance_uuid'] for p in ports})))
    specs = {}
    for port in ports:
        spec = specs.get(port['port_id'])
        if spec is None:
            specs[port['port_id']] = {
                'port_id': port['port_id'],
                'instance_uuid': port['instance_uuid'], 'mac': port['mac'],
                'fixed_ips': [port['address']],
                'rules': rules.get(port['instance_uuid'], [])}
        elif port['address'] not in spec['fixed_ips']:
            spec['fixed_ips'].append(port['address'])
    return [specs[port_id] for port_id in sorted(specs)]


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


def refresh_instances(context, instance_uuids):
    """The ports of ``instance_uuids`` changed their addresses (a
    Networking API port update): their computes re-read and apply
    them. Returns {host: [instance uuid]} of the casts."""
    return _cast(context, set(instance_uuids))


def refresh_rules(context, group_ids):
    """The rules of ``group_ids`` (ids) changed: refresh their members.
    Returns {host: [instance uuid]} of the casts."""
    members = sg_db.instances_of_groups(context, group_ids)
    return _cast(context, {u for found in members.values()
                           for u in found})


def refresh_members(context, group_ids, instance_uuids=()):
    """``instance_uuids`` joined or left the groups ``group_ids`` (ids):
    refresh those instances and the members of the groups whose rules
    name ``group_ids`` as remote group. Returns {host: [instance uuid]}
    of the casts."""
    referencing = sg_db.groups_referencing(context, group_ids)
    members = sg_db.instances_of_groups(context, referencing)
    uuids = {u for found in members.values() for u in found}
    return _cast(context, uuids | set(instance_uuids))


def referrers(context, instance_uuid):
    """``sg_db.remote_referrers``: read before the instance's ports are
    freed, for ``members_changed``."""
    return sg_db.remote_referrers(context, instance_uuid)


def members_changed(context, instance_uuid, addresses, referrers=None):
    """The ports of ``instance_uuid`` now have ``addresses`` ([] when
    freed): cast ``security_group_members_changed`` (compute RPC 1.11)
    to the hosts of the members of groups whose rules name one of its
    groups as remote group; the computes update those rules without
    asking anyone. ``referrers`` is ``sg_db.remote_referrers``' answer
    when read already (before the instance's ports were freed). One
    statement. Returns {host: [group uuid]} of the casts."""
    if referrers is None:
        referrers = sg_db.remote_referrers(context, instance_uuid)
    by_host = {}
    for group_uuid, host in referrers:
        by_host.setdefault(host, set()).add(group_uuid)
    if not by_host:
        return {}
    client = compute_rpcapi.ComputeAPI()
    for host, groups in sorted(by_host.items()):
        try:
            client.security_group_members_changed(
                context, host, sorted(groups), instance_uuid,
                list(addresses))
        except Exception:  # noqa: BLE001 - the next resync applies it
            LOG.exception('Security group members of %s not sent to %s',
                          instance_uuid, host)
    return {host: sorted(groups) for host, groups in by_host.items()}
