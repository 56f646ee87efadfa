"""Lab check: interface hot-plug of a real QEMU (TCG) guest through the
whole stack (as ``test_libvirt_real_guest``: separate services, one
libvirt compute on ``qemu:///system``, the tiny guest of
doc/guest-image.md; doc/interfaces.md):

1. a server boots and its guest comes up;
2. ``POST os-interface`` attaches a NIC: the domain has it live
   (``virsh domiflist``) and in its persistent definition
   (``virsh dumpxml --inactive``), with the build's model and, on a
   bridge, the port's tap name;
3. ``DELETE os-interface/<port>`` detaches it: the guest releases it
   (PCI hot-unplug), the port made for the server is deleted, and the
   domain has it in neither definition.

A TCG boot takes minutes on a shared machine, so it runs only with
``NOVA_LITE_INTERFACE_REAL_GUEST=1`` (and QEMU/libvirt present):
``NOVA_LITE_INTERFACE_REAL_GUEST=1 python -m testtools.run
tests.functional.test_interfaces_real_guest``.
"""
import os
import xml.etree.ElementTree as ET

from nova_lite.bench import client as compute_client
from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_real_guest as real

ENV = 'NOVA_LITE_INTERFACE_REAL_GUEST'
#: Seconds for the detach: the compute waits [libvirt]
#: device_detach_timeout (20 s) for the guest, then the conductor
#: releases the port.
DETACH_TIMEOUT = 90


def _macs(xml):
    return [iface.find('mac').get('address')
            for iface in ET.fromstring(xml).iter('interface')]


class TestInterfacesRealGuest(real.TestRealGuest):
    """Attach and detach a NIC of a running QEMU guest."""

    # The boot/reboot/delete test of the parent runs in its own module.
    test_boot_console_reboot_delete = None

    def setUp(self):
        if os.environ.get(ENV) != '1':
            self.skipTest('%s is not 1 (a lab check of a TCG boot)' % ENV)
        super().setUp()

    def domain_xml(self, domain, inactive=False):
        return real.virsh('dumpxml', domain,
                          *(('--inactive',) if inactive else ()))

    def interfaces(self, server_id):
        resp = self.client.request('GET', '/servers/%s/os-interface'
                                   % server_id)
        self.assertEqual(200, resp.status_code, resp.text)
        return resp.json()['interfaceAttachments']

    def test_attach_and_detach_a_nic(self):
        image = self.register_guest_image()
        resp = self.client.create_server(name='nic-guest', flavor=real.FLAVOR,
                                         image=image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        self.booted.append(server_id)
        self.wait_active(server_id)
        self.wait_guest_up(server_id, 1)
        self.phase('guest up')
        admin = compute_client.ComputeClient(
            self.stack.api_url, project_id='admin', user_id='admin',
            roles='admin')
        domain = admin.get_server(server_id).json()['server'][
            'OS-EXT-SRV-ATTR:instance_name']
        (first,) = self.interfaces(server_id)

        resp = self.client.request(
            'POST', '/servers/%s/os-interface' % server_id,
            json={'interfaceAttachment': {}})
        self.assertEqual(200, resp.status_code, resp.text)
        added = resp.json()['interfaceAttachment']
        self.phase('NIC attached')
        live = self.domain_xml(domain)
        self.assertEqual([first['mac_addr'], added['mac_addr']],
                         _macs(live))
        self.assertIn(added['mac_addr'],
                      _macs(self.domain_xml(domain, inactive=True)))
        self.assertIn(added['mac_addr'].lower(),
                      real.virsh('domiflist', domain).lower())
        for iface in ET.fromstring(live).iter('interface'):
            self.assertEqual('virtio', iface.find('model').get('type'))

        resp = self.client.request(
            'DELETE', '/servers/%s/os-interface/%s' % (
                server_id, added['port_id']))
        self.assertEqual(202, resp.status_code, resp.text)
        libvirt_stack.wait_for(
            lambda: len(self.interfaces(server_id)) == 1, DETACH_TIMEOUT,
            'the port of the detached NIC to be released', interval=2)
        self.phase('NIC detached')
        self.assertEqual([first['mac_addr']],
                         _macs(self.domain_xml(domain)))
        self.assertEqual([first['mac_addr']],
                         _macs(self.domain_xml(domain, inactive=True)))
        self.check_delete(server_id)
