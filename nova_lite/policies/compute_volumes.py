"""Policies of the compute API's volume proxies (compute API reference,
"Volume extension (os-volumes, os-snapshots) (DEPRECATED)",
microversions 2.1-2.35): Nova's rule names
``os_compute_api:os-volumes:{list,detail,show,create,delete}`` and
``os_compute_api:os-volumes:snapshots:{list,detail,show,create,
delete}``; readers of the project (or admins) read, members (or admins)
change, as Nova's defaults. The Block Storage API's rules
(``policies.volume``) do not apply to these routes: the proxy is its own
door to the same volumes."""
from oslo_policy import policy

from nova_lite.policies import base

VOLUMES = 'os_compute_api:os-volumes:%s'
SNAPSHOTS = 'os_compute_api:os-volumes:snapshots:%s'
_V = '/os-volumes'
_S = '/os-snapshots'


def _op(name, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _op(VOLUMES % 'list', base.PROJECT_READER_OR_ADMIN,
        'List volumes (proxy to the volume service)', 'GET', _V),
    _op(VOLUMES % 'detail', base.PROJECT_READER_OR_ADMIN,
        'List volumes with details', 'GET', _V + '/detail'),
    _op(VOLUMES % 'show', base.PROJECT_READER_OR_ADMIN,
        'Show a volume', 'GET', _V + '/{volume_id}'),
    _op(VOLUMES % 'create', base.PROJECT_MEMBER_OR_ADMIN,
        'Create a volume', 'POST', _V),
    _op(VOLUMES % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
        'Delete a volume', 'DELETE', _V + '/{volume_id}'),
    _op(SNAPSHOTS % 'list', base.PROJECT_READER_OR_ADMIN,
        'List volume snapshots', 'GET', _S),
    _op(SNAPSHOTS % 'detail', base.PROJECT_READER_OR_ADMIN,
        'List volume snapshots with details', 'GET', _S + '/detail'),
    _op(SNAPSHOTS % 'show', base.PROJECT_READER_OR_ADMIN,
        'Show a volume snapshot', 'GET', _S + '/{snapshot_id}'),
    _op(SNAPSHOTS % 'create', base.PROJECT_MEMBER_OR_ADMIN,
        'Create a volume snapshot', 'POST', _S),
    _op(SNAPSHOTS % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
        'Delete a volume snapshot', 'DELETE', _S + '/{snapshot_id}'),
]


def list_rules():
    return rules
