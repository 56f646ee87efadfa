"""Policies of the flavors and (proxied) images APIs (compute API
reference, "Flavors", "Images (DEPRECATED)")."""
from oslo_policy import policy

from nova_lite.policies import base

FLAVORS = 'os_compute_api:flavors:%s'
FLAVOR_MANAGE = 'os_compute_api:os-flavor-manage:%s'
IMAGES = 'os_compute_api:images:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=FLAVORS % 'index', check_str=base.ANYONE,
        description='List and show flavors',
        operations=[{'method': 'GET', 'path': '/flavors'},
                    {'method': 'GET', 'path': '/flavors/detail'},
                    {'method': 'GET', 'path': '/flavors/{flavor_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=FLAVOR_MANAGE % 'create', check_str=base.ADMIN,
        description='Create a flavor',
        operations=[{'method': 'POST', 'path': '/flavors'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=FLAVOR_MANAGE % 'update', check_str=base.ADMIN,
        description='Update a flavor\'s description (microversion 2.55)',
        operations=[{'method': 'PUT', 'path': '/flavors/{flavor_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=FLAVOR_MANAGE % 'delete', check_str=base.ADMIN,
        description='Delete a flavor',
        operations=[{'method': 'DELETE', 'path': '/flavors/{flavor_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=IMAGES % 'index', check_str=base.ANYONE,
        description='List and show images through the compute API proxy',
        operations=[{'method': 'GET', 'path': '/images'},
                    {'method': 'GET', 'path': '/images/detail'},
                    {'method': 'GET', 'path': '/images/{image_id}'}],
        scope_types=['project']),
]


def list_rules():
    """The flavors and images API rules."""
    return rules
