"""Policies of the Block Storage API (``/volume/v3``), named as Cinder
names them (``volume:create``, ``volume_extension:volume_actions:...``,
``volume:attachment_create``...), with Cinder's secure-RBAC defaults:
readers of the owning project (or admins) read, members (or admins)
change; ``os-reset_status``, volume type changes, quota changes and
``all_tenants`` listings are for admins. The target's ``project_id`` is
the resource's project (the path's project for quotas)."""
from oslo_policy import policy

from nova_lite.policies import base

_V3 = '/volume/v3/{project_id}'
#: Cinder's rule of GET /scheduler-stats/get_pools.
GET_POOLS = 'scheduler_extension:scheduler_stats:get_pools'
#: Changes of storage pools (nova_lite's; Cinder configures its pools).
MANAGE_POOLS = 'volume_extension:storage_pools:manage'
_READ = base.PROJECT_READER_OR_ADMIN
_WRITE = base.PROJECT_MEMBER_OR_ADMIN


def _op(name, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': method, 'path': _V3 + path}],
        scope_types=['project'])


def _action(name, check, description):
    return _op('volume_extension:volume_actions:' + name, check,
               description, 'POST', '/volumes/{volume_id}/action')


rules = [
    _op('volume:create', _WRITE, 'Create a volume', 'POST', '/volumes'),
    _op('volume:get', _READ, 'Show a volume', 'GET', '/volumes/{id}'),
    _op('volume:get_all', _READ, 'List volumes', 'GET', '/volumes'),
    _op('volume:update', _WRITE, 'Update a volume', 'PUT', '/volumes/{id}'),
    _op('volume:delete', _WRITE, 'Delete a volume', 'DELETE',
        '/volumes/{id}'),
    _op('volume:get_all_tenants', base.ADMIN, 'List the volumes of every '
        'project (all_tenants=1)', 'GET', '/volumes'),
    _op('volume:extend', _WRITE, 'Extend a volume (os-extend)', 'POST',
        '/volumes/{id}/action'),
    _op('volume:reimage', _WRITE, 'Write an image over a volume '
        '(os-reimage, 3.68)', 'POST', '/volumes/{id}/action'),
    _op('volume:reimage_reserved', base.ADMIN + ' or role:service',
        'Re-image a reserved volume (os-reimage with reimage_reserved)',
        'POST', '/volumes/{id}/action'),
    _op('volume_extension:volume_actions:set_bootable', _WRITE,
        'Mark a volume bootable (os-set_bootable)', 'POST',
        '/volumes/{id}/action'),
    _op('volume_extension:volume_admin_actions:reset_status', base.ADMIN,
        'Reset a volume\'s status (os-reset_status)', 'POST',
        '/volumes/{id}/action'),
    _op('volume_extension:volume_admin_actions:force_delete', base.ADMIN,
        'Delete a volume whatever its status (os-force_delete)', 'POST',
        '/volumes/{id}/action'),
    _action('reserve', _WRITE, 'Reserve a volume for an attach'),
    _action('unreserve', _WRITE, 'Unreserve a volume'),
    _action('initialize_connection', _WRITE, 'Open a volume\'s export '
            'for a connector'),
    _action('terminate_connection', _WRITE, 'Close a volume\'s export'),
    _action('attach', _WRITE, 'Mark a volume attached'),
    _action('begin_detaching', _WRITE, 'Mark a volume detaching'),
    _action('detach', _WRITE, 'Mark a volume detached'),
    _op('volume:attachment_create', _WRITE, 'Create an attachment',
        'POST', '/attachments'),
    _op('volume:attachment_update', _WRITE, 'Update an attachment with a '
        'connector', 'PUT', '/attachments/{id}'),
    _op('volume:attachment_complete', _WRITE, 'Complete an attachment',
        'POST', '/attachments/{id}/action'),
    _op('volume:attachment_delete', _WRITE, 'Delete an attachment',
        'DELETE', '/attachments/{id}'),
    _op('volume:attachment_get', _READ, 'Show or list attachments', 'GET',
        '/attachments'),
    _op('volume:create_snapshot', _WRITE, 'Create a snapshot', 'POST',
        '/snapshots'),
    _op('volume:get_snapshot', _READ, 'Show or list snapshots', 'GET',
        '/snapshots'),
    _op('volume:delete_snapshot', _WRITE, 'Delete a snapshot', 'DELETE',
        '/snapshots/{id}'),
    _op('volume_extension:types_get', base.ANYONE, 'Show or list volume '
        'types', 'GET', '/types'),
    _op('volume_extension:types_manage', base.ADMIN, 'Create or delete '
        'volume types', 'POST', '/types'),
    _op('volume_extension:quotas:show', _READ, 'Show a project\'s volume '
        'quota set', 'GET', '/os-quota-sets/{project_id}'),
    _op('volume_extension:quotas:update', base.ADMIN, 'Update or delete a '
        'project\'s volume quota set', 'PUT', '/os-quota-sets/{project_id}'),
    _op('limits_extension:used_limits', _READ, 'Show absolute limits',
        'GET', '/limits'),
    _op(GET_POOLS, base.ADMIN, 'List the storage pools with their '
        'capacity (also CloudStack listStoragePools)', 'GET',
        '/scheduler-stats/get_pools'),
    policy.DocumentedRuleDefault(
        name=MANAGE_POOLS, check_str=base.ADMIN,
        description='Create, update or delete a storage pool (CloudStack '
        'createStoragePool, updateStoragePool, deleteStoragePool)',
        operations=[{'method': 'GET', 'path': '/client/api?command='
                     'createStoragePool'}], scope_types=['project']),
]


def list_rules():
    return rules
