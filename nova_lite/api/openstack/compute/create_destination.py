"""Where an admin asks a new server to go: microversion 2.74's ``host``
and ``hypervisor_hostname``, and the older ``ZONE:HOST:NODE`` form of
``availability_zone`` (compute API reference, "Create Server")."""
from nova_lite import availability_zones
from nova_lite.compute import host_api
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import servers as server_policies


def resolve(context, kwargs):
    """Check the destination an admin asked for in ``kwargs`` (the
    keyword arguments of ``API.create``) and put a forced one's zone, host
    and node in them.

    :raises: Forbidden (403) without the policy's leave;
        ValidationError (400) for an unknown host or node, a node of
        another host, or a forced host together with 2.74's fields
    """
    forced = forced_destination(context, kwargs)
    if forced:
        kwargs.update(forced)
    elif kwargs['requested_host'] or kwargs['requested_node']:
        policy.authorize(context, server_policies.REQUESTED_DESTINATION)
    else:
        return
    _check_node(context, kwargs['requested_host'], kwargs['requested_node'])


def _check_node(context, host, node):
    """:raises: ValidationError (400) unless a compute node of ``host``
    (any host when None) is named ``node`` (any name when None)."""
    nodes = [h for h in host_api.hypervisor_list(context.elevated())
             if (host is None or h['host'] == host)
             and (node is None or h['hypervisor_hostname'] == node)]
    if not nodes:
        raise exception.ValidationError(
            attribute='host' if node is None else 'hypervisor_hostname',
            reason='no compute node matches host %s and '
            'hypervisor_hostname %s' % (host, node))


def forced_destination(context, kwargs):
    """The zone, host and node of a ``ZONE:HOST:NODE`` availability zone
    (policy ``os_compute_api:servers:create:forced_host``, admins only), as
    ``API.create`` keyword arguments; ``{}`` for a plain zone.  The named
    host/node is checked like 2.74's (``check_destination``); the
    scheduler's filters still run on it.

    :raises: Forbidden (403); ValidationError (400) with 2.74's ``host`` or
        ``hypervisor_hostname`` too
    """
    zone, host, node = availability_zones.parse_forced_destination(
        kwargs['availability_zone'])
    if host is None and node is None:
        return {}
    policy.authorize(context, server_policies.FORCED_HOST)
    if kwargs['requested_host'] or kwargs['requested_node']:
        raise exception.ValidationError(
            attribute='availability_zone', reason='a forced host or node '
            'cannot be combined with host or hypervisor_hostname')
    return {'availability_zone': zone, 'requested_host': host,
            'requested_node': node}
