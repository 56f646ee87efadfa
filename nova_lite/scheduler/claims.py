"""Claims: atomic reservation of an instance's resources on a node.

A claim is one conditional UPDATE of the node's usage plus an allocations
row (``nova_lite.db.claims.claim``); unclaim is idempotent. The scheduler
claims the chosen host; the conductor claims alternates on reschedule.
Both pass the request's server group, so a hard (anti-)affinity policy is
checked in the claim's transaction.
"""
from nova_lite.db import claims as claim_db
from nova_lite import exception
from nova_lite.scheduler import request


def _group(spec):
    """(group uuid, policy) of a RequestSpec or RequestView, or None."""
    if spec is None:
        return None
    spec = request.view(spec)
    if not spec.instance_group_uuid:
        return None
    return spec.instance_group_uuid, spec.instance_group_policy


def claim(context, compute_node_id, instance_uuid, spec):
    """Claim ``spec``'s flavor (a RequestView) on the node; True when it
    fits.

    :raises: GroupPolicyViolation when the node's host would break the
        request's hard server group policy
    """
    return claim_db.claim(context, compute_node_id, instance_uuid,
                          spec.vcpus, spec.memory_mb, spec.disk_gb,
                          group=_group(spec))


def claim_instance(context, compute_node_id, instance, spec=None):
    """Claim an ``objects.Instance``'s flavor on the node (reschedules).

    :returns: True when it fits and keeps ``spec``'s group policy
    """
    try:
        disk_gb = spec.disk_gb if spec is not None else (
            instance.root_gb + instance.ephemeral_gb)
        return claim_db.claim(context, compute_node_id, instance.uuid,
                              instance.vcpus, instance.memory_mb, disk_gb,
                              group=_group(spec))
    except exception.GroupPolicyViolation:
        return False


def unclaim(context, instance_uuid):
    """Release the instance's allocation; True if one existed."""
    return claim_db.unclaim(context, instance_uuid)
