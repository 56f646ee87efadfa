"""Policies of the quota sets, quota class sets and limits APIs (compute
API reference, "Quota sets (os-quota-sets)", "Quota class sets
(os-quota-class-sets)", "Limits (limits)").  The target's ``project_id``
is the project of the URL (quota sets) or of the ``tenant_id`` query
parameter (limits); quota classes are the cloud's, admins only.  The
CloudStack commands listResourceLimits and updateResourceLimit check the
quota set rules."""
from oslo_policy import policy

from nova_lite.policies import base

QUOTA_SETS = 'os_compute_api:os-quota-sets:%s'
QUOTA_CLASS_SETS = 'os_compute_api:os-quota-class-sets:%s'
LIMITS = 'os_compute_api:limits'
LIMITS_OTHER_PROJECT = 'os_compute_api:limits:other_project'

_Q = '/os-quota-sets/{project_id}'
_QC = '/os-quota-class-sets/{quota_class}'


def _op(name, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _op(QUOTA_SETS % 'show', base.PROJECT_READER_OR_ADMIN,
        'Show the quotas of a project or of a user in it', 'GET', _Q),
    _op(QUOTA_SETS % 'detail', base.PROJECT_READER_OR_ADMIN,
        'Show the quotas of a project with their usage', 'GET',
        _Q + '/detail'),
    _op(QUOTA_SETS % 'defaults', base.ANYONE,
        'Show the default quotas', 'GET', _Q + '/defaults'),
    _op(QUOTA_SETS % 'update', base.ADMIN,
        'Update the quotas of a project or of a user in it', 'PUT', _Q),
    _op(QUOTA_SETS % 'delete', base.ADMIN,
        'Reset the quotas of a project (or of a user in it) to the '
        'defaults', 'DELETE', _Q),
    _op(QUOTA_CLASS_SETS % 'show', base.ADMIN,
        'Show the limits of a quota class', 'GET', _QC),
    _op(QUOTA_CLASS_SETS % 'update', base.ADMIN,
        'Update the limits of a quota class (those of "default" are the '
        'default quotas)', 'PUT', _QC),
    _op(LIMITS, base.ANYONE, 'Show the limits and usage of the caller\'s '
        'project', 'GET', '/limits'),
    _op(LIMITS_OTHER_PROJECT, base.ADMIN,
        'Show the limits and usage of another project', 'GET',
        '/limits?tenant_id={project_id}'),
]


def list_rules():
    return rules
