"""Claims: atomic reservation of an instance's resources on a node.

A claim is one conditional UPDATE of the node's usage plus an allocations
row (``nova_lite.db.api.claim``); unclaim is idempotent. The scheduler
claims the chosen host; the conductor claims alternates on reschedule.
"""
from nova_lite.db import api as db_api


def claim(context, compute_node_id, instance_uuid, spec):
    """Claim ``spec``'s flavor on the node; True when it fits."""
    return db_api.claim(context, compute_node_id, instance_uuid,
                        spec.vcpus, spec.memory_mb, spec.disk_gb)


def claim_instance(context, compute_node_id, instance):
    """Claim an ``objects.Instance``'s flavor on the node."""
    return db_api.claim(context, compute_node_id, instance.uuid,
                        instance.vcpus, instance.memory_mb,
                        instance.root_gb + instance.ephemeral_gb)


def unclaim(context, instance_uuid):
    """Release the instance's allocation; True if one existed."""
    return db_api.unclaim(context, instance_uuid)
