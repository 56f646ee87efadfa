"""The ``/limits`` body (compute API reference, "Limits (limits)"): 13
absolute limits from the quotas and 6 usage counts; ``rate`` is always
empty (rate limits left the API with v2.0).  From microversion 2.36 the
network limits (``NETWORK_LIMITS``) are not shown, from 2.39
``maxImageMeta``, from 2.57 ``maxPersonality`` and
``maxPersonalitySize``."""
from nova_lite.api import microversion

#: Limits of nova-network's resources, gone from 2.36.
NETWORK_LIMITS = frozenset({
    'maxSecurityGroupRules', 'maxSecurityGroups', 'maxTotalFloatingIps',
    'totalFloatingIpsUsed', 'totalSecurityGroupsUsed'})

#: absolute limit name → quota resource.
MAX_LIMITS = (
    ('maxImageMeta', 'metadata_items'),
    ('maxPersonality', 'injected_files'),
    ('maxPersonalitySize', 'injected_file_content_bytes'),
    ('maxSecurityGroupRules', 'security_group_rules'),
    ('maxSecurityGroups', 'security_groups'),
    ('maxServerGroupMembers', 'server_group_members'),
    ('maxServerGroups', 'server_groups'),
    ('maxServerMeta', 'metadata_items'),
    ('maxTotalCores', 'cores'),
    ('maxTotalFloatingIps', 'floating_ips'),
    ('maxTotalInstances', 'instances'),
    ('maxTotalKeypairs', 'key_pairs'),
    ('maxTotalRAMSize', 'ram'),
)

#: usage name → quota resource.
USED_LIMITS = (
    ('totalCoresUsed', 'cores'),
    ('totalFloatingIpsUsed', 'floating_ips'),
    ('totalInstancesUsed', 'instances'),
    ('totalRAMUsed', 'ram'),
    ('totalSecurityGroupsUsed', 'security_groups'),
    ('totalServerGroupsUsed', 'server_groups'),
)


def limits(quota_limits, usages):
    """``{"limits": {"absolute": {...}, "rate": []}}``."""
    absolute = {name: quota_limits[resource]
                for name, resource in MAX_LIMITS}
    absolute.update({name: usages[resource]
                     for name, resource in USED_LIMITS})
    if microversion.at_least('2.36'):
        absolute = {name: value for name, value in absolute.items()
                    if name not in NETWORK_LIMITS}
    if microversion.at_least('2.39'):
        absolute.pop('maxImageMeta')
    if microversion.at_least('2.57'):
        absolute.pop('maxPersonality')
        absolute.pop('maxPersonalitySize')
    return {'limits': {'absolute': absolute, 'rate': []}}
