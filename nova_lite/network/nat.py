"""Where the 1:1 NAT of floating IPs is pushed (doc/networking.md,
"Floating IPs"): the compute of a server whose port has floating IPs
keeps ``floating address -> fixed address`` mappings in its guest
namespace. Computes have no database: the API (or the conductor) casts
``set_floating_ips(instance_uuid, mappings)`` (compute RPC 1.12) with
the server's complete current mappings whenever they change, and the
compute asks the conductor for all of its host's (``host_mappings``,
conductor RPC 1.9) when it starts.
"""
from oslo_log import log as logging

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.db import l3 as l3_db

LOG = logging.getLogger(__name__)


def _by_instance(rows):
    result = {}
    for row in rows:
        result.setdefault(row['instance_uuid'], []).append(
            {'floating_ip_address': row['floating_ip_address'],
             'fixed_ip_address': row['fixed_ip_address']})
    return result


def host_mappings(context, host):
    """``{instance uuid: [{"floating_ip_address", "fixed_ip_address"}]}``
    of the servers on ``host`` with floating IPs."""
    return _by_instance(l3_db.nat_mappings(context, host=host))


def push(context, hosts_by_instance):
    """Cast each server's current mappings to its host
    (``{instance uuid: host}``; [] when it has none left). A failed cast
    is logged: the compute's next start applies the stored state.
    Returns ``{instance uuid: mappings}`` of the casts."""
    hosts = {u: h for u, h in hosts_by_instance.items() if h}
    if not hosts:
        return {}
    current = _by_instance(l3_db.nat_mappings(context, list(hosts)))
    client = compute_rpcapi.ComputeAPI()
    sent = {}
    for instance_uuid, host in sorted(hosts.items()):
        mappings = current.get(instance_uuid, [])
        try:
            client.set_floating_ips(context, host, instance_uuid, mappings)
        except Exception:  # noqa: BLE001 - reapplied at compute start
            LOG.exception('Floating IPs of %s not sent to %s',
                          instance_uuid, host)
            continue
        sent[instance_uuid] = mappings
    return sent


def refresh(context, port_uuids):
    """The floating IPs of ``port_uuids`` (None items ignored) changed:
    push the mappings of their servers."""
    return push(context, l3_db.port_instances(context, port_uuids))


def refresh_mapped(context, port_uuids):
    """``refresh`` for a build with the user's ports: casts only for the
    servers whose ports have floating IPs (a port without any sends
    nothing, rather than an empty mapping on every such boot)."""
    hosts = l3_db.port_instances(context, port_uuids)
    if not hosts:
        return {}
    mapped = {r['instance_uuid'] for r in l3_db.nat_mappings(
        context, list(hosts))}
    return push(context, {u: h for u, h in hosts.items() if u in mapped})


def instance_hosts(context, instance_uuid):
    """``{instance uuid: host}`` when the server has floating IPs (read
    before its ports are freed, for ``push`` after)."""
    return {r['instance_uuid']: r['host'] for r in l3_db.nat_mappings(
        context, [instance_uuid])}
