"""The libvirt virt driver: QEMU/KVM guests, or libvirt's test hypervisor.

``driver.LibvirtDriver`` implements ``nova_lite.virt.driver.ComputeDriver``
as a facade over one module per concern: ``host`` (connection, events,
host resources), ``guest`` (domain lookup and power operations),
``disks`` (instance directory, root disk, boot files) over
``imagebackend`` (per-host image cache, qcow2 disks), ``console`` (serial
console log), ``config`` (domain XML) and ``vif`` (its NICs).
"""
