"""Where servers can run, as the server APIs show it: availability
zones and compute nodes, read only.

Zones: the default zone of compute hosts
(``availability_zones.default_zone()``) always exists; host aggregates with an
``availability_zone`` metadata key define the others
(``nova_lite.db.aggregates``). The compute API checks a create's zone
here; the CloudStack API lists zones from here.
"""
from nova_lite import availability_zones
from nova_lite import context as nl_context
from nova_lite.db import aggregates as aggregate_db
from nova_lite.db import compute_nodes as node_db
from nova_lite import exception


def availability_zone_names(context):
    """Names of the availability zones: the default zone first, then the
    zones of live aggregates, sorted (list of str)."""
    default = availability_zones.default_zone()
    return [default] + [name for name in
                        aggregate_db.availability_zones(context)
                        if name != default]


def check_availability_zone(context, availability_zone):
    """Accept no zone, the default zone or a zone an aggregate defines.

    :raises: Invalid (400) for any other zone
    """
    if not availability_zone or \
            availability_zone == availability_zones.default_zone():
        return
    if availability_zone not in aggregate_db.availability_zones(context):
        raise exception.Invalid(
            reason='The requested availability zone %s is not '
            'available.' % availability_zone)


def compute_nodes():
    """Every live compute node (dicts of ``compute_nodes`` columns: host,
    hypervisor_hostname, hypervisor_type, uuid, ...), read with an admin
    context: views of servers show the node of each (ids and names only,
    to admins)."""
    return node_db.compute_node_get_all(nl_context.get_admin_context())
