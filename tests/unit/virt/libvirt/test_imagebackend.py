"""imagebackend.ImageCache: one download per image, atomic files."""
import os
import subprocess
import sys
import threading

import fixtures
import testtools

from nova_lite import exception
from nova_lite.virt.libvirt import imagebackend
from tests.unit.virt.libvirt import base as lv_base
from tests.unit.virt.libvirt.base import FakeImageStore, needs_libvirt

# A compute process fetching image 'img' into a cache shared with others:
# argv = images_path, source file, download log; prints the size it sees.
_FETCH_IN_PROCESS = """
import shutil, sys, time
from nova_lite.virt.libvirt import imagebackend
images_path, src, log = sys.argv[1:]

class Store:
    def download(self, context, image_id, dest_path):
        with open(log, 'a') as f:
            f.write(image_id + '\\n')
        time.sleep(0.5)
        shutil.copyfile(src, dest_path)

import os
path = imagebackend.ImageCache(images_path, Store()).fetch(None, 'img')
print(os.path.getsize(path))
"""


@needs_libvirt
class ImageCacheTestCase(testtools.TestCase):
    """imagebackend.ImageCache: one download per image, atomic files."""

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.store = FakeImageStore()
        self.cache = imagebackend.ImageCache(
            os.path.join(self.tmp, '_base'), self.store)

    def test_concurrent_fetches_download_once(self):
        src = lv_base.write_file(os.path.join(self.tmp, 'src'))
        self.store.add('img', src)
        paths = []
        threads = [threading.Thread(
            target=lambda: paths.append(self.cache.fetch(None, 'img')))
            for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(['img'], self.store.downloads)
        self.assertEqual({self.cache.path('img')}, set(paths))

    def test_failed_download_leaves_nothing(self):
        def broken_download(context, image_id, dest_path):
            lv_base.write_file(dest_path, b'half')
            raise OSError('store went away')

        self.store.download = broken_download
        self.assertRaises(OSError, self.cache.fetch, None, 'img')
        self.assertEqual([imagebackend.ImageCache.LOCK_DIR],
                         os.listdir(self.cache.images_path))

    def test_processes_sharing_a_cache_download_once(self):
        """Two compute processes with one images_path: one download, and
        neither sees a partial file."""
        src = lv_base.write_file(os.path.join(self.tmp, 'src'), b'x' * 1048576)
        log = os.path.join(self.tmp, 'downloads.log')
        procs = [subprocess.Popen(
            [sys.executable, '-c', _FETCH_IN_PROCESS,
             self.cache.images_path, src, log],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(3)]
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            self.assertEqual(0, proc.returncode, err)
            self.assertEqual(str(os.path.getsize(src)), out.decode().strip())
        with open(log) as f:
            self.assertEqual(['img'], f.read().split())
        self.assertEqual(sorted(['img', imagebackend.ImageCache.LOCK_DIR]),
                         sorted(os.listdir(self.cache.images_path)))

    def test_remove(self):
        src = lv_base.write_file(os.path.join(self.tmp, 'src'))
        self.store.add('img', src)
        path = self.cache.fetch(None, 'img')
        self.cache.remove('img')
        self.assertFalse(os.path.exists(path))
        self.cache.remove('img')

    def test_id_must_be_a_file_name(self):
        for bad in ('', '../etc', '.hidden', 'a/b'):
            self.assertRaises(exception.ImageNotFound, self.cache.path, bad)
