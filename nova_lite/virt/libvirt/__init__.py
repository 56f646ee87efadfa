"""The libvirt virt driver: QEMU/KVM guests, or libvirt's test hypervisor.

``driver.LibvirtDriver`` implements ``nova_lite.virt.driver.ComputeDriver``;
``config`` builds domain XML and ``imagebackend`` manages the per-host
image cache and the instances' qcow2 disks.
"""
