"""Lab check: rebuild and snapshots of a real QEMU (TCG) guest through
the whole stack (as ``test_libvirt_real_guest``: separate services, one
libvirt compute on ``qemu:///system``, the tiny guest of
doc/guest-image.md, image cached in ``$NOVA_LITE_TINY_CACHE``).

The guest's console says which disk it booted from:
``NOVA_LITE_DISK_ID <id> BOOT <n>`` (the id is written to the disk at
its first boot, the count kept on it). The check:

1. a server boots: ``<A> BOOT 1``;
2. createImage of the running server (the driver pauses it while
   qemu-img copies the disk chain); the image goes active;
3. a second server boots from the snapshot: ``<A> BOOT 2``, the
   snapshot's disk (its id and boot count came with the data);
4. the first server is rebuilt from the original image: a new disk,
   ``<B> BOOT 1`` with B != A.

Several TCG boots take minutes on a shared machine, so it runs only
with ``NOVA_LITE_LIFECYCLE_REAL_GUEST=1`` (and QEMU/libvirt present):
``NOVA_LITE_LIFECYCLE_REAL_GUEST=1 python -m stestr run
tests.functional.test_lifecycle_real_guest``.
"""
import os
import re

from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_real_guest as real

ENV = 'NOVA_LITE_LIFECYCLE_REAL_GUEST'
IMAGE_TIMEOUT = 300


class TestLifecycleRealGuest(real.TestRealGuest):
    """Snapshot → boot from it → rebuild, on real QEMU."""

    # The boot/reboot/delete test of the parent runs in its own module.
    test_boot_console_reboot_delete = None

    def setUp(self):
        if os.environ.get(ENV) != '1':
            self.skipTest('%s is not 1 (a lab check of several TCG boots)'
                          % ENV)
        super().setUp()

    def boot(self, name, image):
        resp = self.client.create_server(name=name, flavor=real.FLAVOR,
                                         image=image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        self.booted.append(server_id)
        self.wait_active(server_id)
        return server_id

    def disk_ids(self, server_id, count):
        """The first ``count`` ``(disk id, boot)`` of the console,
        waiting for them."""
        def found():
            lines = self.console_lines(server_id, real.DISK_ID)
            return lines if len(lines) >= count else None
        lines = libvirt_stack.wait_for(found, real.CONSOLE_TIMEOUT,
                                       '%d disk id lines' % count,
                                       interval=2)
        print('real guest: %s console: %s' % (server_id, lines))
        return [tuple(re.fullmatch(r'%s ([0-9a-f]{32}) BOOT (\d+)'
                                   % real.DISK_ID, line).groups())
                for line in lines[:count]]

    def action(self, server_id, body, version='2.45'):
        resp = self.client.request(
            'POST', '/servers/%s/action' % server_id, json=body,
            headers={'OpenStack-API-Version': 'compute %s' % version})
        self.assertEqual(202, resp.status_code, resp.text)
        return resp

    def wait_image_active(self, image_id):
        images = '%s/image/v2/images/%s' % (self.stack.api_url.rstrip('/'),
                                            image_id)

        def active():
            body = self.client.session.get(images, timeout=60).json()
            self.assertNotIn(body['status'], ('killed', 'deleted'))
            return body if body['status'] == 'active' else None
        return libvirt_stack.wait_for(active, IMAGE_TIMEOUT,
                                      'image %s active' % image_id,
                                      interval=2)

    def test_snapshot_boot_from_it_and_rebuild(self):
        image = self.register_guest_image()
        first = self.boot('guest-a', image)
        self.wait_guest_up(first, 1)
        ((disk_a, boot),) = self.disk_ids(first, 1)
        self.assertEqual('1', boot)
        self.phase('first guest up')

        resp = self.action(first, {'createImage': {'name': 'snap-a'}})
        snapshot = self.wait_image_active(resp.json()['image_id'])
        print('real guest: snapshot %s: %s bytes of %s' % (
            snapshot['id'], snapshot['size'], snapshot['disk_format']))
        self.assertEqual('snapshot', snapshot['image_type'])
        self.wait_active(first)
        self.phase('snapshot active')

        clone = self.boot('guest-b', snapshot['id'])
        self.wait_guest_up(clone, 1)
        self.assertEqual([(disk_a, '2')], self.disk_ids(clone, 1))
        self.phase('snapshot booted')

        self.action(first, {'rebuild': {'imageRef': image}})
        self.wait_active(first)
        self.wait_guest_up(first, 1)
        ((disk_b, boot),) = self.disk_ids(first, 1)
        self.assertNotEqual(disk_a, disk_b)
        self.assertEqual('1', boot)
        self.phase('rebuilt guest up')

        self.assertEqual(204, self.client.delete_server(first).status_code)
        self.client.wait_for_deleted([first], timeout=real.GONE_TIMEOUT)
        self.check_delete(clone)
