"""The ``/limits`` body (compute API reference, "Limits (limits)"): 13
absolute limits from the quotas and 6 usage counts; ``rate`` is always
empty (rate limits left the API with v2.0).  From microversion 2.36 the
network limits (``NETWORK_LIMITS``) are not shown, from 2.39
``maxImageMeta``, from 2.57 the injected file limits
(``INJECTED_FILE_LIMITS``: ``maxPersonality``, ``maxPersonalitySize``)."""
from nova_lite.api import microversion

#: Limits of nova-network's resources, gone from 2.36.
NETWORK_LIMITS = frozenset({
    'maxSecurityGroupRules', 'maxSecurityGroups', 'maxTotalFloatingIps',
    'totalFloatingIpsUsed', 'totalSecurityGroupsUsed'})

#: The image metadata limit, gone from 2.39 (no image-metadata proxy).
IMAGE_META_LIMITS = frozenset({'maxImageMeta'})

#: Limits of personality (injected) files, gone from 2.57.
INJECTED_FILE_LIMITS = frozenset({'maxPersonality', 'maxPersonalitySize'})

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
    gone = frozenset()
    if microversion.at_least('2.36'):
        gone = NETWORK_LIMITS
    if microversion.at_least('2.39'):
        gone = gone | IMAGE_META_LIMITS
    if microversion.at_least('2.57'):
        gone = gone | INJECTED_FILE_LIMITS
    absolute = {name: value for name, value in absolute.items()
                if name not in gone}
    return {'limits': {'absolute': absolute, 'rate': []}}
