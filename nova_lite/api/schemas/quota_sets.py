"""Body of ``PUT /v2.1/os-quota-sets/{project_id}`` (compute API
reference, "Update Quotas", microversion 2.1): new limits (integers or
digit strings, -1 for unlimited) of any quota resource, and ``force`` to
accept limits below the current usage.  From microversion 2.36 the
network resources (fixed_ips, floating_ips, security_group_rules,
security_groups) are refused (400), from 2.57 the file injection ones
(injected_files, injected_file_content_bytes, injected_file_path_bytes).
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


def _update(resources):
    properties = {name: limit for name in resources}
    properties['force'] = schemas.boolean
    return {
        'type': 'object',
        'properties': {
            'quota_set': {
                'type': 'object',
                'properties': properties,
                'additionalProperties': False,
            },
        },
        'required': ['quota_set'],
        'additionalProperties': False,
    }


#: Resources refused from 2.57 (views.quota_sets.INJECTED_RESOURCES).
INJECTED_RESOURCES = ('injected_file_content_bytes',
                      'injected_file_path_bytes', 'injected_files')

update = schemas.Versioned(
    ('2.1', '2.35', _update(quota.RESOURCES)),
    ('2.36', '2.56', _update([r for r in quota.RESOURCES
                              if r not in NETWORK_RESOURCES])),
    ('2.57', None, _update([r for r in quota.RESOURCES
                            if r not in NETWORK_RESOURCES + INJECTED_RESOURCES
                            ])))
