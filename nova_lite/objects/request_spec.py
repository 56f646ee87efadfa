"""RequestSpec: what the scheduler needs to place one build request."""
from oslo_utils import versionutils
from oslo_versionedobjects import fields

from nova_lite.objects import base
from nova_lite.objects import instance as instance_obj


@base.NovaLiteObjectRegistry.register
class RequestSpec(base.NovaLiteObject):
    """The placement request of a create call (all its instances).

    ``scheduler_hints`` maps hint names (``same_host``, ``different_host``,
    ``group``) to lists of strings. ``ignore_hosts`` lists hosts already
    tried by reschedules.  ``requested_host`` and ``requested_node``
    restrict the placement to that compute host and/or node (the
    ``host`` and ``hypervisor_hostname`` of compute API microversion
    2.74); the filters still run on it.

    ``is_bfv``: the servers boot from a volume, so their root disk
    takes no room on the host: ``disk_gb`` is the ephemeral disk only
    (as Nova claims no DISK_GB for a volume-backed root).

    Version history: 1.0 initial; 1.1 requested_host, requested_node;
    1.2 is_bfv.
    """
    VERSION = '1.2'
    fields = {
        'project_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'flavor': fields.ObjectField('Flavor'),
        'image': fields.ObjectField('ImageMeta', nullable=True),
        'num_instances': fields.IntegerField(default=1),
        'availability_zone': fields.StringField(nullable=True),
        'force_host': fields.StringField(nullable=True),
        'instance_group_uuid': fields.StringField(nullable=True),
        'instance_group_policy': fields.StringField(nullable=True),
        'scheduler_hints': fields.DictOfListOfStringsField(default={}),
        'ignore_hosts': fields.ListOfStringsField(default=[]),
        'requested_host': fields.StringField(nullable=True),
        'requested_node': fields.StringField(nullable=True),
        'is_bfv': fields.BooleanField(default=False),
    }

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop('requested_host', None)
            primitive.pop('requested_node', None)
        if versionutils.convert_version_to_tuple(target_version) < (1, 2):
            primitive.pop('is_bfv', None)

    @property
    def vcpus(self):
        return self.flavor.vcpus

    @property
    def memory_mb(self):
        return self.flavor.memory_mb

    @property
    def disk_gb(self):
        """GiB of local disk: root (unless ``is_bfv``) + ephemeral."""
        bfv = self.obj_attr_is_set('is_bfv') and self.is_bfv
        return (0 if bfv else self.flavor.root_gb) + self.flavor.ephemeral_gb


__all__ = ['RequestSpec', 'instance_obj']
