"""Payloads of service.*, aggregate.*, keypair.* and server_group.*,
with Nova's field names (ServiceStatusPayload, AggregatePayload,
KeypairPayload, ServerGroupPayload). They are built from the dicts the
``nova_lite.db`` modules return to the API's service modules."""
from oslo_versionedobjects import fields

from nova_lite.notifications.objects import base as payload_base
from nova_lite.objects import base


def _pick(cls, row, renames=None):
    """Values of ``cls``'s fields found in dict ``row`` (``renames``:
    {field: row key})."""
    renames = renames or {}
    values = {}
    for name in cls.fields:
        key = renames.get(name, name)
        if key in row:
            values[name] = row[key]
    return values


@base.NovaLiteObjectRegistry.register
class ServiceStatusPayload(payload_base.NotificationPayloadBase):
    """A service (service.create/update/delete): host, binary, topic,
    report_count, disabled(_reason), forced_down, last_seen_up, version,
    uuid, availability_zone."""
    VERSION = '1.0'
    fields = {
        'host': fields.StringField(),
        'binary': fields.StringField(),
        'topic': fields.StringField(nullable=True),
        'report_count': fields.IntegerField(default=0),
        'disabled': fields.BooleanField(default=False),
        'disabled_reason': fields.StringField(nullable=True),
        'availability_zone': fields.StringField(nullable=True),
        'last_seen_up': fields.DateTimeField(nullable=True),
        'forced_down': fields.BooleanField(default=False),
        'version': fields.IntegerField(default=0),
        'uuid': fields.UUIDField(nullable=True),
    }

    @classmethod
    def from_service(cls, service):
        """From a ``db.services`` dict; a ``zone`` key (host_api's)
        gives ``availability_zone``."""
        values = _pick(cls, service, {'availability_zone': 'zone'})
        values['disabled'] = bool(values.get('disabled'))
        values['forced_down'] = bool(values.get('forced_down'))
        values['version'] = values.get('version') or 0
        values['report_count'] = values.get('report_count') or 0
        return cls(**values)


@base.NovaLiteObjectRegistry.register
class AggregatePayload(payload_base.NotificationPayloadBase):
    """An aggregate: id, uuid, name, hosts, metadata, availability_zone."""
    VERSION = '1.0'
    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(nullable=True),
        'name': fields.StringField(),
        'hosts': fields.ListOfStringsField(nullable=True),
        'metadata': fields.DictOfStringsField(nullable=True),
        'availability_zone': fields.StringField(nullable=True),
    }

    @classmethod
    def from_aggregate(cls, aggregate):
        """From a ``db.aggregates`` dict."""
        values = _pick(cls, aggregate)
        if values.get('metadata') is not None:
            values['metadata'] = {k: str(v) for k, v in
                                  values['metadata'].items()}
        return cls(**values)


@base.NovaLiteObjectRegistry.register
class KeypairPayload(payload_base.NotificationPayloadBase):
    """A key pair: user_id, name, public_key, fingerprint, type."""
    VERSION = '1.0'
    fields = {
        'user_id': fields.StringField(nullable=True),
        'name': fields.StringField(),
        'public_key': fields.StringField(nullable=True),
        'fingerprint': fields.StringField(nullable=True),
        'type': fields.StringField(default='ssh'),
    }

    @classmethod
    def from_keypair(cls, keypair):
        """From a ``db.key_pairs`` dict."""
        return cls(**_pick(cls, keypair))


@base.NovaLiteObjectRegistry.register
class ServerGroupPayload(payload_base.NotificationPayloadBase):
    """A server group: uuid, name, user_id, project_id, policy (and
    Nova's older ``policies``: [policy]), rules, members (instance
    uuids)."""
    VERSION = '1.0'
    fields = {
        'uuid': fields.UUIDField(),
        'name': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'policies': fields.ListOfStringsField(nullable=True),
        'members': fields.ListOfStringsField(nullable=True),
        'hosts': fields.ListOfStringsField(nullable=True),
        'policy': fields.StringField(nullable=True),
        'rules': fields.DictOfStringsField(default={}),
    }

    @classmethod
    def from_group(cls, group):
        """From a ``db.server_groups`` dict."""
        values = _pick(cls, group)
        if values.get('policy'):
            values['policies'] = [values['policy']]
        values['members'] = list(values.get('members') or [])
        return cls(**values)
