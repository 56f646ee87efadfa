"""Shared fixtures of the libvirt driver tests.

The domains live in libvirt's built-in test hypervisor ``test:///default``
(no daemon; real libvirt API and domain XML parsing), the disks are made by
the real qemu-img, and only the image store behind ``nova_lite.image.glance``
is replaced, by FakeImageStore.
"""
import json
import os
import shutil
import subprocess
import threading

import fixtures
import testtools
from oslo_config import fixture as config_fixture
from oslo_utils import uuidutils

import nova_lite.conf
from nova_lite import exception
from nova_lite.compute import naming
from nova_lite.objects import instance as instance_obj

try:
    import libvirt

    from nova_lite.virt.libvirt import driver as libvirt_driver
except ImportError:
    libvirt = None

CONF = nova_lite.conf.CONF
GiB = 1024 ** 3
SKIP_REASON = ('libvirt-python is not installed: pip install -c '
               "upper-constraints.txt '.[libvirt]' (needs libvirt-dev and "
               'pkg-config)')
needs_libvirt = testtools.skipIf(libvirt is None, SKIP_REASON)
needs_qemu_img = testtools.skipIf(shutil.which('qemu-img') is None,
                                  'qemu-img is not installed')


class FakeImageStore:
    """Stands in for ``nova_lite.image.glance.API``: the image store is
    another process. Image files are local files registered with add()."""

    def __init__(self):
        self.files = {}
        self.metas = {}
        self.downloads = []
        self._lock = threading.Lock()

    def add(self, image_id, path):
        self.files[image_id] = path

    def get(self, context, image_id):
        """The ImageMeta ``_add_image`` registered; ImageNotFound for an
        image deleted (``delete``) or never added."""
        if image_id not in self.metas:
            raise exception.ImageNotFound(image_id=image_id)
        return self.metas[image_id]

    def delete(self, image_id):
        """The image is gone from the store (its meta and file)."""
        self.metas.pop(image_id, None)
        self.files.pop(image_id, None)

    def download(self, context, image_id, dest_path):
        """Copy the image file to dest_path; ImageNotFound if it has none."""
        with self._lock:
            self.downloads.append(image_id)
        if image_id not in self.files:
            raise exception.ImageNotFound(image_id=image_id)
        shutil.copyfile(self.files[image_id], dest_path)


def qemu_img_info(path):
    """``qemu-img info`` of ``path`` as a dict."""
    out = subprocess.check_output(['qemu-img', 'info', '--output=json',
                                   '--force-share', path])
    return json.loads(out)


def write_file(path, data=b'\0' * 65536):
    """Write ``data`` to ``path`` and return ``path``."""
    with open(path, 'wb') as f:
        f.write(data)
    return path


class LibvirtFixtureMixin:
    """Config on temp dirs, a driver on test:///default, a fake store."""

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.flags = self.useFixture(config_fixture.Config(CONF))
        self.flags.config(state_path=self.tmp)
        self.flags.config(group='libvirt', connection_uri='test:///default',
                          instances_path=os.path.join(self.tmp, 'instances'),
                          images_path=os.path.join(self.tmp, '_base'),
                          soft_reboot_timeout=5)
        self.store = FakeImageStore()
        self.driver = libvirt_driver.LibvirtDriver('host1')
        self.driver.image_api = self.store
        self.addCleanup(self.driver.cleanup_host, 'host1')
        self.raw_image = self._add_image('raw-img', b'\0' * 1024 * 1024)

    def _add_image(self, image_id, data, disk_format='raw', **properties):
        path = write_file(os.path.join(self.tmp, f'store-{image_id}'), data)
        self.store.add(image_id, path)
        meta = instance_obj.ImageMeta(id=image_id, disk_format=disk_format,
                                      properties=properties)
        self.store.metas[image_id] = meta
        return meta

    def _instance(self, root_gb=1, hostname='vm-1', instance_name=None):
        """An instance; named (``instance_name``) as the compute API
        names it, from ``[DEFAULT] instance_name_template``, when None."""
        uuid = uuidutils.generate_uuid()
        return instance_obj.Instance(
            uuid=uuid, hostname=hostname, vcpus=1, memory_mb=128,
            root_gb=root_gb, image_ref='raw-img',
            instance_name=instance_name or naming.instance_name(
                CONF.instance_name_template, uuid, 1))

    def _vif(self):
        return instance_obj.VIF(address='10.254.0.9', mac='fa:16:3e:00:00:09',
                                network_label='private', network_id=1,
                                cidr='10.254.0.0/20')

    def _spawn(self, instance=None, image_meta=None):
        instance = instance or self._instance()
        self.driver.spawn(None, instance, image_meta or self.raw_image,
                          [self._vif()])
        self.addCleanup(self.driver.destroy, None, instance, [])
        return instance

    def _conn(self):
        """The driver's libvirt connection."""
        return self.driver._host.get_connection()

    def _inst_dir(self, instance):
        return os.path.join(CONF.libvirt.instances_path, instance.uuid)

    def _domain_names(self):
        conn = libvirt.open('test:///default')
        try:
            return [dom.name() for dom in conn.listAllDomains()]
        finally:
            conn.close()

    def assertNoTrace(self, instance):
        """No domain, no instance directory left for ``instance``."""
        self.assertNotIn(instance.name, self._domain_names())
        self.assertFalse(os.path.exists(self._inst_dir(instance)))
        self.assertRaises(exception.InstanceNotFound,
                          self.driver.get_info, instance)
