"""Server diagnostics bodies (compute API reference, "Servers
diagnostics"): from microversion 2.48 the standardized form, every
documented field present (None where the driver cannot tell)."""
from nova_lite.virt import diagnostics

_PRIMITIVES = ('state', 'driver', 'hypervisor', 'hypervisor_os', 'uptime',
               'config_drive', 'num_cpus', 'num_nics', 'num_disks')
_LISTS = (('cpu_details', diagnostics.CPU_KEYS),
          ('nic_details', diagnostics.NIC_KEYS),
          ('disk_details', diagnostics.DISK_KEYS))


def standard(found):
    """The 2.48 body of a driver's standardized diagnostics dict (its
    nova_lite-only keys, e.g. ``memory_unused_kib``, left out)."""
    body = {key: found.get(key) for key in _PRIMITIVES}
    for key, item_keys in _LISTS:
        body[key] = [{k: item.get(k) for k in item_keys}
                     for item in found.get(key) or ()]
    memory = found.get('memory_details') or {}
    body['memory_details'] = {k: memory.get(k)
                              for k in diagnostics.MEMORY_KEYS}
    return body
