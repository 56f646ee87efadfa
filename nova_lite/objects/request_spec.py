"""RequestSpec: what the scheduler needs to place one build request."""
from oslo_versionedobjects import fields

from nova_lite.objects import base
from nova_lite.objects import instance as instance_obj


@base.NovaLiteObjectRegistry.register
class RequestSpec(base.NovaLiteObject):
    """The placement request of a create call (all its instances).

    ``scheduler_hints`` maps hint names (``same_host``, ``different_host``,
    ``group``) to lists of strings. ``ignore_hosts`` lists hosts already
    tried by reschedules.
    """
    VERSION = '1.0'
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
    }

    @property
    def vcpus(self):
        return self.flavor.vcpus

    @property
    def memory_mb(self):
        return self.flavor.memory_mb

    @property
    def disk_gb(self):
        return self.flavor.root_gb + self.flavor.ephemeral_gb


__all__ = ['RequestSpec', 'instance_obj']
