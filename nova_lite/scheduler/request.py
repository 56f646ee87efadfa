"""RequestView: the fields of a RequestSpec the scheduler reads, as plain
attributes.

Filters run once per host and request; reading a versioned object's
fields costs several function calls each (and raises for unset fields),
so ``select_destinations`` copies them once into a RequestView and hands
that to filters, weighers, host states and claims as their ``spec``.
"""

#: Scheduler hints only the compute API sets (it drops them from a
#: user's hints): the deployment planner of the flavor
#: (``cloudstack:deployment_planner`` extra spec), and the pod and
#: cluster (uuids) of an admin's CloudStack deploy.
PLANNER_HINT = 'cloudstack:deployment_planner'
POD_HINT = 'cloudstack:podid'
CLUSTER_HINT = 'cloudstack:clusterid'
#: GiB of the volumes the build creates (boot from volume), placed on
#: the storage pool of the chosen host's cluster (StoragePoolFilter).
VOLUME_GB_HINT = 'cloudstack:volume_gb'
RESERVED_HINT_PREFIX = 'cloudstack:'


def spec_field(spec, name, default=None):
    """``spec.<name>`` of a RequestSpec, or ``default`` when the field is
    unset or None."""
    if not spec.obj_attr_is_set(name):
        return default
    value = getattr(spec, name)
    return default if value is None else value


class RequestView:
    """One build request for the scheduler.

    Attributes: vcpus, memory_mb (MiB), disk_gb (GiB; root + ephemeral),
    availability_zone (or None), instance_group_uuid and
    instance_group_policy (or None), same_host and different_host (sets
    of instance uuids from the scheduler hints), image_properties (dict),
    ignore_hosts (set of host names already tried), requested_host and
    requested_node (or None: the destination an admin asked for,
    microversion 2.74); project_id; planner, pod and cluster (or None:
    the CloudStack deployment planner and the pod/cluster an admin asked
    for, from the hints ``PLANNER_HINT``, ``POD_HINT``,
    ``CLUSTER_HINT`` the compute API sets); volume_gb (GiB of the
    volumes the build creates, ``VOLUME_GB_HINT``, 0 without) and
    cluster_room (``{cluster uuid: GiB free in its roomiest storage
    pool}``, read by the scheduler when volume_gb is set, else None).
    """

    __slots__ = ('vcpus', 'memory_mb', 'disk_gb', 'availability_zone',
                 'instance_group_uuid', 'instance_group_policy', 'same_host',
                 'different_host', 'image_properties', 'ignore_hosts',
                 'requested_host', 'requested_node', 'project_id',
                 'planner', 'pod', 'cluster', 'volume_gb', 'cluster_room')

    def __init__(self, spec):
        self.vcpus = spec.vcpus
        self.memory_mb = spec.memory_mb
        self.disk_gb = spec.disk_gb
        self.availability_zone = spec_field(spec, 'availability_zone')
        self.instance_group_uuid = spec_field(spec, 'instance_group_uuid')
        self.instance_group_policy = spec_field(spec,
                                                'instance_group_policy')
        hints = spec_field(spec, 'scheduler_hints', {})
        self.same_host = set(hints.get('same_host', ()))
        self.different_host = set(hints.get('different_host', ()))
        image = spec_field(spec, 'image')
        self.image_properties = dict(image.properties or {}) \
            if image is not None else {}
        self.ignore_hosts = set(spec_field(spec, 'ignore_hosts', ()))
        self.requested_host = spec_field(spec, 'requested_host')
        self.requested_node = spec_field(spec, 'requested_node')
        self.project_id = spec_field(spec, 'project_id')
        self.planner = _first(hints, PLANNER_HINT)
        self.pod = _first(hints, POD_HINT)
        self.cluster = _first(hints, CLUSTER_HINT)
        self.volume_gb = int(_first(hints, VOLUME_GB_HINT) or 0)
        self.cluster_room = None


def _first(hints, key):
    values = hints.get(key) or ()
    return values[0] if values else None


def view(spec):
    """``spec`` as a RequestView (unchanged if it is one)."""
    return spec if isinstance(spec, RequestView) else RequestView(spec)
