"""The standardized diagnostics of a guest, as a driver reports them.

The compute API's server diagnostics (compute API reference, "Servers
diagnostics", from microversion 2.48) have one shape for every driver;
drivers build it with ``standard()`` and its ``cpu``/``nic``/``disk``
items. It crosses the bus as a plain dict::

    {'state': 'running',            # power state name (see states)
     'driver': 'libvirt',           # the virt driver's name
     'hypervisor': 'qemu',          # or None
     'hypervisor_os': 'linux',      # or None
     'uptime': 3600,                # seconds since the guest started, or None
     'config_drive': False,
     'num_cpus': 1, 'num_nics': 1, 'num_disks': 1,
     'cpu_details': [{'id', 'time' (ns), 'utilisation' (%)}],
     'nic_details': [{'mac_address', 'rx_octets', 'rx_errors', 'rx_drop',
                      'rx_packets', 'rx_rate', 'tx_octets', 'tx_errors',
                      'tx_drop', 'tx_packets', 'tx_rate'}],
     'disk_details': [{'read_bytes', 'read_requests', 'write_bytes',
                       'write_requests', 'errors_count'}],
     'memory_details': {'maximum': MiB, 'used': MiB},
     'memory_unused_kib': KiB or None}

Every counter a driver cannot tell is None. ``memory_unused_kib`` (the
memory the guest itself reports free, from its balloon driver) is
nova_lite's own: the compute API view leaves it out, the CloudStack
``listVirtualMachines`` stats show it as ``memoryintfreekbs``.
"""
from nova_lite.compute import states

#: Item keys, in the compute API reference's order.
CPU_KEYS = ('id', 'time', 'utilisation')
NIC_KEYS = ('mac_address', 'rx_octets', 'rx_errors', 'rx_drop',
            'rx_packets', 'rx_rate', 'tx_octets', 'tx_errors', 'tx_drop',
            'tx_packets', 'tx_rate')
DISK_KEYS = ('read_bytes', 'read_requests', 'write_bytes',
             'write_requests', 'errors_count')
MEMORY_KEYS = ('maximum', 'used')


def _item(keys, values):
    unknown = set(values) - set(keys)
    if unknown:
        raise TypeError('unknown diagnostics keys %s' % sorted(unknown))
    return {key: values.get(key) for key in keys}


def cpu(**values):
    """One vCPU: ``id``, ``time`` (ns of CPU time), ``utilisation`` (%)."""
    return _item(CPU_KEYS, values)


def nic(**values):
    """One NIC: ``mac_address`` and its counters (octets, packets,
    errors, drops; ``*_rate`` in octets per second)."""
    return _item(NIC_KEYS, values)


def disk(**values):
    """One disk: bytes and requests read and written, errors."""
    return _item(DISK_KEYS, values)


def standard(power_state, driver, hypervisor=None, hypervisor_os=None,
             uptime=None, config_drive=False, cpu_details=(),
             nic_details=(), disk_details=(), memory_maximum=None,
             memory_used=None, memory_unused_kib=None):
    """The standardized diagnostics dict (see the module docstring).

    :param power_state: a ``nova_lite.compute.states`` power state int
    :param memory_maximum: MiB the guest may use; ``memory_used`` MiB it
        holds now
    """
    return {
        'state': states.POWER_STATE_NAMES.get(power_state, 'pending'),
        'driver': driver, 'hypervisor': hypervisor,
        'hypervisor_os': hypervisor_os, 'uptime': uptime,
        'config_drive': bool(config_drive),
        'num_cpus': len(cpu_details), 'num_nics': len(nic_details),
        'num_disks': len(disk_details),
        'cpu_details': list(cpu_details), 'nic_details': list(nic_details),
        'disk_details': list(disk_details),
        'memory_details': {'maximum': memory_maximum, 'used': memory_used},
        'memory_unused_kib': memory_unused_kib,
    }
