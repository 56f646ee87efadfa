"""Bodies of ``PUT /v2.1/os-quota-sets/{project_id}`` and ``PUT
/v2.1/os-quota-class-sets/{id}`` (compute API reference, "Update
Quotas", "Create or Update Quotas for Quota Class"): new limits
(integers or digit strings, -1 for unlimited) of the quota resources of
the microversion, and, for quota sets, ``force`` to accept limits out of
the settable range.

Quota sets refuse (400) the network resources (fixed_ips, floating_ips,
security_group_rules, security_groups) from 2.36 and the injected file
resources (injected_files, injected_file_content_bytes,
injected_file_path_bytes) from 2.57; quota class sets refuse the network
resources from 2.50 and the injected file resources from 2.57.
"""
from nova_lite.api import schemas
from nova_lite import quota

#: An integer >= -1, or its decimal string (clients send both).
limit = {'type': ['integer', 'string'], 'minimum': -1,
         'maximum': 2 ** 31 - 1, 'pattern': r'^-?[0-9]{1,10}\Z',
         'maxLength': 11}

#: Resources refused from 2.36 (views.quota_sets.NETWORK_RESOURCES).
NETWORK_RESOURCES = ('fixed_ips', 'floating_ips', 'security_group_rules',
                     'security_groups')
#: Resources refused from 2.57 (views.quota_sets.INJECTED_FILE_RESOURCES).
INJECTED_FILE_RESOURCES = ('injected_file_content_bytes',
                           'injected_file_path_bytes', 'injected_files')


def _without(*groups):
    gone = {name for group in groups for name in group}
    return [r for r in quota.RESOURCES if r not in gone]


def _update(resources, key='quota_set', force=True):
    properties = {name: limit for name in resources}
    if force:
        properties['force'] = schemas.boolean
    return {
        'type': 'object',
        'properties': {
            key: {
                'type': 'object',
                'properties': properties,
                'additionalProperties': False,
            },
        },
        'required': [key],
        'additionalProperties': False,
    }


update = schemas.Versioned(
    ('2.1', '2.35', _update(quota.RESOURCES)),
    ('2.36', '2.56', _update(_without(NETWORK_RESOURCES))),
    ('2.57', None, _update(_without(NETWORK_RESOURCES,
                                    INJECTED_FILE_RESOURCES))))


def _class_update(resources):
    return _update(resources, key='quota_class_set', force=False)


update_class = schemas.Versioned(
    ('2.1', '2.49', _class_update(quota.RESOURCES)),
    ('2.50', '2.56', _class_update(_without(NETWORK_RESOURCES))),
    ('2.57', None, _class_update(_without(NETWORK_RESOURCES,
                                          INJECTED_FILE_RESOURCES))))
