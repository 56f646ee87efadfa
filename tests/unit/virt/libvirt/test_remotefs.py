"""remotefs: a source host's set-aside instance files downloaded through
its libvirtd (cold migration between machines), and resize.copy_source
choosing between that and a local copy. The libvirt connection is a fake
that serves a real directory (streams with data and holes); the real
transfer between two libvirtds is in devstack/tools/nodes-check.sh."""
import os
from unittest import mock

import fixtures
import testtools
from oslo_config import fixture as config_fixture

import nova_lite.conf
from tests.unit.virt.libvirt import base

if base.libvirt is not None:
    from nova_lite.virt.libvirt import remotefs
    from nova_lite.virt.libvirt import resize as libvirt_resize

CONF = nova_lite.conf.CONF
CHUNKS = [b'QFI\xfb', 4096, b'tail']   # data, a hole of 4096 bytes, data


class FakeStream:

    def __init__(self, conn):
        self.conn = conn
        self.chunks = None
        self.finished = False

    def sparseRecvAll(self, write, hole, fd):
        for chunk in self.chunks:
            if isinstance(chunk, int):
                hole(self, chunk, fd)
            else:
                write(self, chunk, fd)
        if self.conn.fail_stream:
            raise base.libvirt.libvirtError('stream broke')

    def finish(self):
        self.finished = True


class FakeVolume:

    def __init__(self, path):
        self.path = path

    def name(self):
        return os.path.basename(self.path)

    def info(self):
        kind = (base.libvirt.VIR_STORAGE_VOL_DIR if os.path.isdir(self.path)
                else base.libvirt.VIR_STORAGE_VOL_FILE)
        return [kind, 0, 0]

    def download(self, stream, offset, length, flags):
        if os.path.isdir(self.path):
            raise base.libvirt.libvirtError(
                'Unable to read %s: Is a directory' % self.path)
        self._download(stream, offset, length, flags)

    def _download(self, stream, offset, length, flags):
        assert (offset, length) == (0, 0)
        assert flags == base.libvirt.VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM
        with open(self.path, 'rb') as f:
            data = f.read()
        stream.chunks = CHUNKS if data == b'disk' else [data]


class FakePool:

    def __init__(self, path):
        self.path = path
        self.destroyed = False

    def listAllVolumes(self, flags):
        # A dir pool lists regular files and directories (type dir).
        return [FakeVolume(os.path.join(self.path, n))
                for n in os.listdir(self.path)]

    def destroy(self):
        self.destroyed = True


class FakeConn:

    def __init__(self, uri, fail_stream=False):
        self.uri = uri
        self.fail_stream = fail_stream
        self.pools = []
        self.closed = False

    def storagePoolCreateXML(self, xml, flags):
        path = xml.split('<path>')[1].split('</path>')[0]
        if not os.path.isdir(path):
            raise base.libvirt.libvirtError('no such directory %s' % path)
        self.pools.append((xml, FakePool(path)))
        return self.pools[-1][1]

    def newStream(self, flags):
        return FakeStream(self)

    def close(self):
        self.closed = True


@base.needs_libvirt
class RemoteFsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.useFixture(config_fixture.Config(CONF))
        self.source = os.path.join(self.tmp, 'src', 'uuid1_resize')
        os.makedirs(os.path.join(self.source, 'console'))
        for name, data in (('disk', b'disk'), ('libvirt.xml', b'<domain/>'),
                           ('kernel', b'k' * 10)):
            with open(os.path.join(self.source, name), 'wb') as f:
                f.write(data)
        self.dest = os.path.join(self.tmp, 'dest', 'uuid1')
        os.makedirs(os.path.dirname(self.dest))
        self.conns = []

    def open_conn(self, fail_stream=False):
        def opener(uri):
            self.conns.append(FakeConn(uri, fail_stream))
            return self.conns[-1]
        return opener

    def test_fetch_dir(self):
        sizes = remotefs.fetch_dir('node1', self.source, self.dest,
                                   open_conn=self.open_conn())
        conn = self.conns[0]
        self.assertEqual('qemu+tcp://node1/system', conn.uri)
        self.assertEqual({'disk': 4 + 4096 + 4, 'libvirt.xml': 9,
                          'kernel': 10}, sizes)
        with open(os.path.join(self.dest, 'disk'), 'rb') as f:
            self.assertEqual(b'QFI\xfb' + b'\0' * 4096 + b'tail', f.read())
        with open(os.path.join(self.dest, 'libvirt.xml'), 'rb') as f:
            self.assertEqual(b'<domain/>', f.read())
        # The console socket directory is not a volume: not fetched.
        self.assertEqual(['disk', 'kernel', 'libvirt.xml'],
                         sorted(os.listdir(self.dest)))
        xml, pool = conn.pools[0]
        self.assertIn("<pool type='dir'><name>nova-lite-fetch-uuid1_resize"
                      "</name>", xml)
        self.assertTrue(pool.destroyed)
        self.assertTrue(conn.closed)

    def test_uri_option(self):
        self.useFixture(config_fixture.Config(CONF)).config(
            group='libvirt', remote_filesystem_uri='qemu+ssh://root@%s/system')
        remotefs.fetch_dir('node2', self.source, self.dest,
                           open_conn=self.open_conn())
        self.assertEqual('qemu+ssh://root@node2/system', self.conns[0].uri)

    def test_stream_failure_removes_dest(self):
        self.assertRaises(base.libvirt.libvirtError, remotefs.fetch_dir,
                          'node1', self.source, self.dest,
                          open_conn=self.open_conn(fail_stream=True))
        self.assertFalse(os.path.exists(self.dest))
        self.assertTrue(self.conns[0].pools[0][1].destroyed)
        self.assertTrue(self.conns[0].closed)

    def test_missing_source_dir(self):
        self.assertRaises(base.libvirt.libvirtError, remotefs.fetch_dir,
                          'node1', self.source + 'x', self.dest,
                          open_conn=self.open_conn())
        self.assertFalse(os.path.exists(self.dest))
        self.assertTrue(self.conns[0].closed)

    def test_existing_dest(self):
        os.makedirs(self.dest)
        self.assertRaises(FileExistsError, remotefs.fetch_dir, 'node1',
                          self.source, self.dest, open_conn=self.open_conn())
        self.assertEqual([], self.conns)

    def test_copy_source_local_when_here(self):
        with mock.patch.object(remotefs, 'fetch_dir') as fetch:
            libvirt_resize.copy_source(self.source, self.dest, 'node1',
                                       'libvirt')
        fetch.assert_not_called()
        self.assertEqual(['disk', 'kernel', 'libvirt.xml'],
                         sorted(os.listdir(self.dest)))

    def test_copy_source_remote(self):
        elsewhere = os.path.join(self.tmp, 'on-node1', 'uuid1_resize')
        with mock.patch.object(remotefs, 'fetch_dir') as fetch:
            libvirt_resize.copy_source(elsewhere, self.dest, 'node1',
                                       'libvirt')
        fetch.assert_called_once_with('node1', elsewhere, self.dest)

    def test_copy_source_not_here_local_transport(self):
        elsewhere = os.path.join(self.tmp, 'on-node1', 'uuid1_resize')
        self.assertRaises(FileNotFoundError, libvirt_resize.copy_source,
                          elsewhere, self.dest, 'node1', 'local')

    def test_rebase_fetches_a_base_missing_here(self):
        """The source's overlay names this host's cache directory (same
        instances and images paths on every node) but the base is not
        cached here yet: fetched, then rebased onto it."""
        cache = mock.Mock(images_path=os.path.join(self.tmp, '_base'))
        cache.fetch.return_value = os.path.join(self.tmp, '_base', 'abc')
        info = {'backing-filename': os.path.join(self.tmp, '_base', 'abc'),
                'backing-filename-format': 'raw'}
        with mock.patch.object(libvirt_resize.imagebackend, 'image_info',
                               return_value=info), \
                mock.patch.object(libvirt_resize.processutils,
                                  'execute') as execute:
            libvirt_resize.rebase_onto_cache('/x/disk', 'img1', cache, None)
            cache.fetch.assert_called_once_with(None, 'img1')
            execute.assert_called_once_with(
                'qemu-img', 'rebase', '-u', '-b', cache.fetch.return_value,
                '-F', 'raw', '/x/disk')
            # Cached here: nothing to do.
            os.makedirs(cache.images_path)
            open(info['backing-filename'], 'w').close()
            cache.fetch.reset_mock()
            execute.reset_mock()
            libvirt_resize.rebase_onto_cache('/x/disk', 'img1', cache, None)
            cache.fetch.assert_not_called()
            execute.assert_not_called()
