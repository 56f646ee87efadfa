"""Response body schemas of the quota sets, quota class sets and limits
(compute API reference, "Quota sets (os-quota-sets)", "Quota class sets
(os-quota-class-sets)", "Limits (limits)") by microversion, for
``nova_lite.api.schemas.responses``."""
from nova_lite.api.openstack.compute.views import limits as views
from nova_lite.api.schemas import response_base as base

_STRING = base.STRING
_at_least = base.at_least
_object = base.object_schema
_wrap = base.wrap


# ------------------------------------------------------- quotas, classes

_QUOTA_RESOURCES = (
    'cores', 'fixed_ips', 'floating_ips', 'injected_file_content_bytes',
    'injected_file_path_bytes', 'injected_files', 'instances', 'key_pairs',
    'metadata_items', 'ram', 'security_group_rules', 'security_groups',
    'server_group_members', 'server_groups')
_NETWORK_QUOTAS = ('fixed_ips', 'floating_ips', 'security_group_rules',
                   'security_groups')
_INJECTED_QUOTAS = ('injected_file_content_bytes',
                    'injected_file_path_bytes', 'injected_files')
_LIMIT = {'type': 'integer', 'minimum': -1}
_DETAIL = _object({'in_use': {'type': 'integer', 'minimum': 0},
                   'limit': _LIMIT,
                   'reserved': {'type': 'integer', 'minimum': 0}})


def _quota_names(version):
    """Quota set resources: without the network ones from 2.36, without
    the injected file ones from 2.57."""
    gone = ()
    if _at_least(version, '2.57'):
        gone = _NETWORK_QUOTAS + _INJECTED_QUOTAS
    elif _at_least(version, '2.36'):
        gone = _NETWORK_QUOTAS
    return [r for r in _QUOTA_RESOURCES if r not in gone]


def _class_names(version):
    """Quota class set resources: before 2.50 without the server group
    ones, from 2.50 without the network ones, from 2.57 without the
    injected file ones."""
    if _at_least(version, '2.57'):
        gone = _NETWORK_QUOTAS + _INJECTED_QUOTAS
    elif _at_least(version, '2.50'):
        gone = _NETWORK_QUOTAS
    else:
        gone = ('server_group_members', 'server_groups')
    return [r for r in _QUOTA_RESOURCES if r not in gone]


def _limits_object(names, with_id, value=_LIMIT):
    properties = {name: value for name in names}
    if with_id:
        properties['id'] = _STRING
    return _object(properties)


def quota_set(with_id):
    """Show, Show Default, Update Quotas ("Quota sets"); ``id`` but in
    the update response."""
    return lambda v: _wrap('quota_set',
                           _limits_object(_quota_names(v), with_id))


def quota_detail(version):
    """Show The Detail of Quota."""
    return _wrap('quota_set', _limits_object(_quota_names(version), True,
                                             _DETAIL))


def quota_class_set(with_id):
    """Show and Update a quota class set; ``id`` but in the update
    response."""
    return lambda v: _wrap('quota_class_set',
                           _limits_object(_class_names(v), with_id))


# ------------------------------------------------------------------ limits

def absolute_limit_names(version):
    """The ``absolute`` keys of Show Rate And Absolute Limits: 19 at 2.1;
    the network limits go at 2.36, ``maxImageMeta`` at 2.39,
    ``maxPersonality`` and ``maxPersonalitySize`` at 2.57."""
    names = {name for name, _res in views.MAX_LIMITS + views.USED_LIMITS}
    if _at_least(version, '2.36'):
        names -= views.NETWORK_LIMITS
    if _at_least(version, '2.39'):
        names -= views.IMAGE_META_LIMITS
    if _at_least(version, '2.57'):
        names -= views.INJECTED_FILE_LIMITS
    return names


def limits(version):
    absolute = _object({name: {'type': 'integer'}
                        for name in absolute_limit_names(version)})
    return _wrap('limits', _object({
        'absolute': absolute, 'rate': {'type': 'array', 'maxItems': 0}}))
