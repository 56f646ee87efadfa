"""The registry of known flavor extra specs and their validation
(compute API microversion 2.86; the key list follows the compute
API's flavor extra specs reference of Nova 34).

A key is looked up in ``REGISTRY`` (exact names, then the
parameterized ones such as ``hw:numa_cpus.{num}``); a known key's value
must fit its rule.  An unknown key is refused only when its namespace
(the part before the first ``:``) is a registered one (``hw``,
``quota``, ...); keys of other namespaces, and keys without one, are
accepted as they are (a filter or a driver of some deployment may use
them).

Value rules (values are strings, as the API stores them):

* ``BOOL``: a boolean-like string (``true``, ``False``, ``1``, ``no``,
  ...);
* ``Int(minimum, maximum)``: a decimal integer within the bounds
  (either may be None: unbounded);
* ``Enum(...)``: one of the listed strings;
* ``Pattern(regex)``: the whole string matches;
* ``ANY``: any string.

nova_lite's scheduler and libvirt driver apply none of these keys
(guests get the flavor's vCPUs, RAM and disks only): validation keeps
flavors portable to the compute API, it does not promise the feature.
``resources{group}:`` and ``trait{group}:`` check the form of the
resource class or trait name (upper case letters, digits and ``_``),
not membership in the os-resource-classes and os-traits lists.
"""
import dataclasses
import re

from oslo_utils import strutils

from nova_lite import exception


@dataclasses.dataclass(frozen=True)
class Int:
    """A decimal integer string in [minimum, maximum] (None: open)."""
    minimum: int = None
    maximum: int = None

    def check(self, value):
        """:returns: None, or why ``value`` is invalid (str)"""
        try:
            number = int(value)
        except ValueError:
            return '%r is not an integer' % value
        if self.minimum is not None and number < self.minimum:
            return '%d is less than the minimum %d' % (number, self.minimum)
        if self.maximum is not None and number > self.maximum:
            return '%d is greater than the maximum %d' % (number,
                                                          self.maximum)
        return None


@dataclasses.dataclass(frozen=True)
class Enum:
    """One of ``values``."""
    values: tuple

    def check(self, value):
        if value not in self.values:
            return '%r is not one of: %s' % (value, ', '.join(self.values))
        return None


@dataclasses.dataclass(frozen=True)
class Pattern:
    """A string matching ``regex`` entirely."""
    regex: str

    def check(self, value):
        if not re.fullmatch(self.regex, value):
            return '%r does not match %s' % (value, self.regex)
        return None


class _Bool:
    def check(self, value):
        try:
            strutils.bool_from_string(value, strict=True)
        except ValueError:
            return '%r is not a boolean' % value
        return None


class _Any:
    def check(self, value):
        return None


BOOL = _Bool()
ANY = _Any()
_NON_NEGATIVE = Int(0)
_POSITIVE = Int(1)
#: A host CPU set: ``0-3,^2,8`` (ranges, exclusions).
_CPU_SET = Pattern(r'\^?\d+((-\d+)?(,\^?\d+(-\d+)?)?)*')

# --------------------------------------------------------------- hw:

_HW = {
    'cpu_realtime': BOOL,
    'cpu_realtime_mask': Pattern(r'(\^)?\d+((-\d+)?(,\^?\d+(-\d+)?)?)*'),
    'hide_hypervisor_id': BOOL,
    'cpu_policy': Enum(('dedicated', 'shared', 'mixed')),
    'cpu_thread_policy': Enum(('prefer', 'isolate', 'require')),
    'emulator_threads_policy': Enum(('isolate', 'share')),
    'cpu_dedicated_mask': _CPU_SET,
    'mem_page_size': Pattern(r'(large|small|any|\d+([kKMGT]i?)?(b|bit|B)?)'),
    'locked_memory': BOOL,
    'numa_nodes': _POSITIVE,
    'pci_numa_affinity_policy': Enum(('required', 'preferred', 'legacy',
                                      'socket')),
    'cpu_sockets': _POSITIVE, 'cpu_cores': _POSITIVE,
    'cpu_threads': _POSITIVE, 'cpu_max_sockets': _POSITIVE,
    'cpu_max_cores': _POSITIVE, 'cpu_max_threads': _POSITIVE,
    'boot_menu': BOOL,
    'vif_multiqueue_enabled': BOOL,
    'mem_encryption': BOOL,
    'mem_encryption_model': Enum(('amd-sev', 'amd-sev-es', 'amd-sev-snp')),
    'pmem': Pattern(r'([a-zA-Z0-9_]+(,)?)+'),
    'pmu': BOOL,
    'serial_port_count': _NON_NEGATIVE,
    'tpm_model': Enum(('tpm-tis', 'tpm-crb')),
    'tpm_version': Enum(('1.2', '2.0')),
    'tpm_secret_security': Enum(('user', 'host', 'deployment')),
    'watchdog_action': Enum(('none', 'pause', 'poweroff', 'reset',
                             'disabled')),
    'viommu_model': Enum(('intel', 'smmuv3', 'virtio', 'auto')),
    'virtio_packed_ring': BOOL,
    'sound_model': Enum(('sb16', 'es1370', 'pcspk', 'ac97', 'ich6', 'ich9',
                         'usb', 'virtio')),
    'usb_model': Enum(('none', 'nec-xhci', 'qemu-xhci')),
    'redirected_usb_ports': Int(0, 15),
    'ephemeral_encryption': BOOL,
    'ephemeral_encryption_format': Enum(('plain', 'luks', 'luksv2')),
}


def _quota_keys():
    """``quota:`` keys: the libvirt tuning knobs (cpu shares, period and
    quota; disk and VIF rate limits) and the VMware allocation ones."""
    keys = {'cpu_shares': _NON_NEGATIVE, 'cpu_period': _NON_NEGATIVE,
            'cpu_quota': Int()}
    for resource in ('cpu', 'memory', 'disk_io', 'vif'):
        keys.update({
            resource + '_limit': _NON_NEGATIVE,
            resource + '_reservation': Int(),
            resource + '_shares_level': Enum(('custom', 'high', 'normal',
                                              'low')),
            resource + '_shares_share': _NON_NEGATIVE,
        })
    for stat in ('read', 'write', 'total'):
        for metric in ('bytes', 'iops'):
            keys['disk_%s_%s_sec' % (stat, metric)] = _NON_NEGATIVE
    for direction in ('inbound', 'outbound'):
        for metric in ('average', 'peak', 'burst'):
            keys['vif_%s_%s' % (direction, metric)] = _NON_NEGATIVE
    return keys


#: Fields of the compute node a ``capabilities:`` key may compare.
_CAPABILITIES = (
    'id', 'uuid', 'service_id', 'host', 'vcpus', 'memory_mb', 'local_gb',
    'vcpus_used', 'memory_mb_used', 'local_gb_used', 'hypervisor_type',
    'hypervisor_version', 'hypervisor_hostname', 'free_ram_mb',
    'free_disk_gb', 'current_workload', 'running_vms',
    'disk_available_least', 'host_ip', 'mapped', 'cpu_allocation_ratio',
    'ram_allocation_ratio', 'disk_allocation_ratio', 'total_usable_ram_mb',
    'total_usable_disk_gb', 'disk_mb_used', 'free_disk_mb', 'vcpus_total',
    'num_instances', 'num_io_ops', 'failed_builds', 'aggregates',
    'cell_uuid', 'updated')
#: Nested ones, which take a ``:sub:key`` path after their name.
_NESTED_CAPABILITIES = (
    'cpu_info', 'metrics', 'stats', 'numa_topology', 'supported_hv_specs',
    'pci_device_pools', 'nodename', 'pci_stats', 'supported_instances',
    'limits', 'instances')


def _exact():
    """{full key: rule} of the keys without parameters."""
    keys = {'hw:' + name: rule for name, rule in _HW.items()}
    keys.update(('quota:' + name, rule)
                for name, rule in _quota_keys().items())
    keys.update({
        'hw_rng:allowed': BOOL,
        'hw_rng:rate_bytes': _NON_NEGATIVE,
        'hw_rng:rate_period': _NON_NEGATIVE,
        'hw_video:ram_max_mb': _NON_NEGATIVE,
        'os:secure_boot': Enum(('disabled', 'required')),
        'accel:device_profile': ANY,
        'pci_passthrough:alias': Pattern(r'[^:]+:\d+(?:\s*,\s*[^:]+:\d+)*'),
        'vmware:hw_version': ANY,
        'vmware:storage_policy': ANY,
        # Known keys without a namespace.
        'hide_hypervisor_id': BOOL,
        'group_policy': Enum(('isolate', 'none')),
        # A CloudStack service offering's deploymentplanner
        # (nova_lite.scheduler.planners).
        'cloudstack:deployment_planner': Enum((
            'FirstFitPlanner', 'UserDispersingPlanner',
            'UserConcentratedPodPlanner')),
    })
    keys.update(('capabilities:' + name, ANY) for name in _CAPABILITIES)
    return keys


#: A request group suffix (``resources1:``, ``trait_gpu:``).
_GROUP = r'[a-zA-Z0-9_-]{1,64}'
_NAME = r'[A-Z0-9_]+'

#: [(compiled key regex, rule)] of the parameterized keys.
_PATTERNS = [
    (re.compile(r'hw:numa_cpus\.\d+'), _CPU_SET),
    (re.compile(r'hw:numa_mem\.\d+'), _POSITIVE),
    (re.compile(r'aggregate_instance_extra_specs:.+'), ANY),
    (re.compile(r'capabilities:(%s)(:\w+)*'
                % '|'.join(_NESTED_CAPABILITIES)), ANY),
    (re.compile(r'resources(%s)?:%s' % (_GROUP, _NAME)), Int(0)),
    (re.compile(r'trait(%s)?:%s' % (_GROUP, _NAME)),
     Enum(('required', 'forbidden'))),
]

REGISTRY = _exact()

#: Namespaces whose unknown keys are refused: (compiled regex of the
#: namespace, i.e. the part before the first ':').
NAMESPACES = [re.compile(r) for r in (
    'hw', 'hw_rng', 'hw_video', 'quota', 'os', 'accel', 'pci_passthrough',
    'vmware', 'capabilities', 'aggregate_instance_extra_specs', 'cloudstack',
    r'resources(%s)?' % _GROUP, r'trait(%s)?' % _GROUP)]


def rule_of(key):
    """The value rule of ``key``, or None for an unregistered key."""
    rule = REGISTRY.get(key)
    if rule is not None:
        return rule
    for regex, candidate in _PATTERNS:
        if regex.fullmatch(key):
            return candidate
    return None


def in_known_namespace(key):
    """True when ``key``'s namespace is a registered one."""
    namespace, sep, _rest = key.partition(':')
    return bool(sep) and any(regex.fullmatch(namespace)
                             for regex in NAMESPACES)


def validate(key, value):
    """Check one extra spec (microversion 2.86).

    :param key: the extra spec name
    :param value: its value, as stored (a string)
    :raises: ValidationError (400) for an unknown key of a registered
        namespace or a value its rule refuses
    """
    rule = rule_of(key)
    if rule is None:
        if in_known_namespace(key):
            raise exception.ValidationError(
                attribute=key[:255], reason='not a known extra spec of '
                'the %s namespace' % key.partition(':')[0])
        return
    problem = rule.check(value)
    if problem is not None:
        raise exception.ValidationError(attribute=key[:255],
                                        reason=problem[:255])


def validate_all(specs):
    """``validate`` every item of ``specs`` ({key: str}), in key order."""
    for key in sorted(specs):
        validate(key, specs[key])
