"""Bodies of the Block Storage API (Block Storage API reference v3,
"Volumes", "Attachments", "Snapshots", "Volume types")."""
import json

from nova_lite.api.volume import common
from nova_lite.volume import api as volume_api


def attachment_summary(att):
    """An item of a volume's ``attachments``."""
    return {'id': att['volume_uuid'], 'attachment_id': att['uuid'],
            'volume_id': att['volume_uuid'],
            'server_id': att['instance_uuid'],
            'host_name': att['attached_host'], 'device': att['mountpoint'],
            'attached_at': common.iso(att['attach_time'])}


def volume_summary(vol):
    return {'id': vol['uuid'], 'name': vol['display_name'],
            'links': common.link('volumes', vol['uuid'])}


def volume_detail(ctx, vol, attachments, type_names, extended=True):
    """The detail body; ``attachments`` the volume's attached ones,
    ``type_names`` {type uuid: name}. ``extended`` adds what Cinder's
    show and list extensions add (tenant, host and migration attributes,
    ``volume_image_metadata``), absent from create and update bodies."""
    body = {
        'id': vol['uuid'], 'name': vol['display_name'],
        'description': vol['display_description'], 'size': vol['size'],
        'status': vol['status'],
        'availability_zone': vol['availability_zone'],
        'created_at': common.iso(vol['created_at']),
        'updated_at': common.iso(vol['updated_at']),
        'attachments': [attachment_summary(a) for a in attachments
                        if a['attach_status'] == 'attached'],
        'volume_type': type_names.get(vol['volume_type_id'],
                                      volume_api.DEFAULT_TYPE),
        'snapshot_id': vol['snapshot_id'], 'source_volid': None,
        'metadata': vol['volume_metadata'] or {},
        'links': common.link('volumes', vol['uuid']),
        'user_id': vol['user_id'],
        'bootable': 'true' if vol['bootable'] else 'false',
        'encrypted': False, 'replication_status': None,
        'consistencygroup_id': None, 'multiattach': vol['multiattach'],
        'migration_status': None}
    if extended:
        body['os-vol-tenant-attr:tenant_id'] = vol['project_id']
    if extended and vol['source_image_id']:
        body['volume_image_metadata'] = {'image_id': vol['source_image_id']}
    if extended and ctx.is_admin:
        # Cinder's host@backend#pool: backend "file", pool the storage
        # pool's name ("file": the host's default pool).
        body['os-vol-host-attr:host'] = '%s@file#%s' % (
            vol['host'], volume_api.pool_name(ctx, vol.get('pool_uuid'))) \
            if vol['host'] else None
        body['os-vol-mig-status-attr:migstat'] = None
        body['os-vol-mig-status-attr:name_id'] = None
    if common.version() >= (3, 13):
        body['group_id'] = None
    if common.version() >= (3, 21):
        body['provider_id'] = None
    body.update(_later_fields(ctx, vol, extended))
    return body


def _later_fields(ctx, vol, extended):
    """Fields of a volume body from 3.48 on (Block Storage API
    reference, "Show a volume's details")."""
    version = common.version()
    fields = {}
    if version >= (3, 48):
        # Exports are per attachment: no target is shared.
        fields.update(shared_targets=False, service_uuid=None)
    if version >= (3, 61) and extended and ctx.is_admin:
        fields['cluster_name'] = None
    if version >= (3, 63):
        fields['volume_type_id'] = vol['volume_type_id']
    if version >= (3, 64):
        fields['encryption_key_id'] = None
    if version >= (3, 65):
        fields['consumes_quota'] = True
    return fields


def attachment(att, volume=None):
    """A ``/attachments`` item (3.27)."""
    return {'id': att['uuid'], 'volume_id': att['volume_uuid'],
            'instance': att['instance_uuid'],
            'status': att['attach_status'],
            'attached_at': common.iso(att['attach_time']),
            'detached_at': common.iso(att['detach_time']),
            'attach_mode': att['attach_mode'],
            'connection_info': att['connection_info']}


def snapshot(snap, extended=True):
    """A snapshot body; ``extended`` adds the show and list extension's
    ``os-extended-snapshot-attributes:*`` (absent from create and
    update bodies, as in Cinder)."""
    try:
        metadata = json.loads(snap['snapshot_metadata'] or '{}')
    except ValueError:
        metadata = {}
    body = {'id': snap['uuid'], 'volume_id': snap['volume_uuid'],
            'name': snap['display_name'],
            'description': snap['display_description'],
            'status': snap['status'], 'size': snap['volume_size'],
            'created_at': common.iso(snap['created_at']),
            'updated_at': common.iso(snap['updated_at']),
            'metadata': metadata}
    if extended:
        body['os-extended-snapshot-attributes:project_id'] = \
            snap['project_id']
        body['os-extended-snapshot-attributes:progress'] = \
            '100%' if snap['status'] == 'available' else '0%'
    return body


def volume_type(vtype, extended=True):
    """A type body; ``qos_specs_id`` only in show and list bodies."""
    body = {'id': vtype['uuid'], 'name': vtype['name'],
            'description': vtype['description'],
            'is_public': vtype['is_public'],
            'os-volume-type-access:is_public': vtype['is_public'],
            'extra_specs': vtype['extra_specs'] or {}}
    if extended:
        body['qos_specs_id'] = None
    return body
