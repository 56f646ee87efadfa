"""Base of notification payloads."""
from oslo_versionedobjects import fields

from nova_lite.objects import base


class NotificationPayloadBase(base.NovaLiteObject):
    """A payload: serialized under ``nova_object.*`` keys, as Nova's
    notifications are, with namespace ``nova_lite``. Payloads are sent,
    never read back by nova_lite services.

    Every field is set on construction: a field not given takes its
    default, or None when it is nullable, so a payload always carries
    all its keys (as Nova's samples show them).
    """
    OBJ_SERIAL_NAMESPACE = 'nova_object'

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name, field in self.fields.items():
            if name in kwargs:
                continue
            if field.default is not fields.UnspecifiedDefault:
                setattr(self, name, field.default)
            elif field.nullable:
                setattr(self, name, None)
