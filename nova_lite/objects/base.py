"""Base class and registry of nova_lite's versioned objects."""
from oslo_versionedobjects import base as ovo_base


class NovaLiteObjectRegistry(ovo_base.VersionedObjectRegistry):
    pass


class NovaLiteObject(ovo_base.VersionedObject,
                     ovo_base.VersionedObjectDictCompat):
    """Base of nova_lite objects; namespaced so they never mix with Nova's."""
    OBJ_SERIAL_NAMESPACE = 'nova_lite_object'
    OBJ_PROJECT_NAMESPACE = 'nova_lite'

    @classmethod
    def from_dict(cls, values):
        """Build an object from a dict, ignoring keys it has no field for."""
        obj = cls()
        for name in cls.fields:
            if name in values:
                setattr(obj, name, values[name])
        obj.obj_reset_changes()
        return obj

    def to_dict(self):
        """Return the set fields as a plain dict."""
        return {name: getattr(self, name) for name in self.fields
                if self.obj_attr_is_set(name)}


class NovaLiteObjectSerializer(ovo_base.VersionedObjectSerializer):
    OBJ_BASE_CLASS = NovaLiteObject
