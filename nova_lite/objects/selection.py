"""Selection: one host chosen (or offered as alternate) for an instance."""
from oslo_versionedobjects import fields

from nova_lite.objects import base


@base.NovaLiteObjectRegistry.register
class Selection(base.NovaLiteObject):
    """A host for an instance. The first selection of a list is already
    claimed in the database (``claimed`` True); alternates are not."""
    VERSION = '1.0'
    fields = {
        'service_host': fields.StringField(),
        'nodename': fields.StringField(),
        'compute_node_id': fields.IntegerField(),
        'claimed': fields.BooleanField(default=False),
    }
