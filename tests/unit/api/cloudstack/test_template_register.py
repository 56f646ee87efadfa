"""registerTemplate through the CloudStack endpoint: the file is served
by a real HTTP server on 127.0.0.1 (or a file:// URL under an allowed
directory) and downloaded in the API's pool; the template is listed
Download In Progress, then Download Complete (or Download Failed: why)
and deploys; URLs off this machine are refused (nova_lite.image.
url_import)."""
import functools
import hashlib
import http.server
import os
import threading
import time

import fixtures
import testtools

from nova_lite import exception
from nova_lite.image import url_import
from tests.unit.api.cloudstack import test_endpoint

QCOW2_DATA = url_import.QCOW2_MAGIC + b'\0' * 4092
WAIT = 20   # seconds


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class RegisterTemplateTest(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.store = self.useFixture(fixtures.TempDir()).path
        self.served = self.useFixture(fixtures.TempDir()).path
        self.api.conf.config(group='image', store_path=self.store,
                             import_allowed_dirs=[self.served])
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.conductor.rpcapi.ConductorAPI.build_instances',
            lambda *args, **kwargs: None))
        with open(os.path.join(self.served, 'tiny.qcow2'), 'wb') as f:
            f.write(QCOW2_DATA)
        server = http.server.ThreadingHTTPServer(
            ('127.0.0.1', 0), functools.partial(_Quiet,
                                                directory=self.served))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        self.base = 'http://127.0.0.1:%d/' % server.server_address[1]
        self.zone = self.json('listZones')[1]['listzonesresponse']['zone'][
            0]['id']

    def register(self, status=200, **params):
        values = dict(name='tpl', displaytext='a template', format='QCOW2',
                      hypervisor='KVM', zoneid=self.zone,
                      url=self.base + 'tiny.qcow2')
        values.update(params)
        code, body = self.json('registerTemplate', **values)
        self.assertEqual(status, code, body)
        return body['registertemplateresponse']

    def wait_listed(self, template_id):
        deadline = time.monotonic() + WAIT
        while True:
            found = self.json('listTemplates', templatefilter='self',
                              id=template_id)[1]['listtemplatesresponse'][
                'template'][0]
            if found['status'] != 'Download In Progress':
                return found
            if time.monotonic() > deadline:
                raise AssertionError('still downloading: %s' % found)
            time.sleep(0.1)

    def test_register_download_deploy(self):
        md5 = hashlib.md5(QCOW2_DATA, usedforsecurity=False).hexdigest()
        ubuntu, = self.json('listOsTypes', keyword='ubuntu')[1][
            'listostypesresponse']['ostype']
        body = self.register(checksum=md5, ostypeid=ubuntu['id'])
        self.assertEqual(1, body['count'])
        self.assertEqual((ubuntu['id'], 'Ubuntu (64-bit)'), (
            body['template'][0]['ostypeid'],
            body['template'][0]['ostypename']))
        self.register(431, ostypeid='5f0e8a52-1b1c-4c43-a7cc-8c1c1f5ef000')
        template = body['template'][0]
        self.assertEqual((False, 'Download In Progress', 'QCOW2', False),
                         (template['isready'], template['status'],
                          template['format'], template['ispublic']))
        listed = self.wait_listed(template['id'])
        self.assertEqual((True, 'Download Complete', len(QCOW2_DATA), md5),
                         (listed['isready'], listed['status'],
                          listed['size'], listed['checksum']))
        code, body = self.json('deployVirtualMachine',
                               serviceofferingid='1',
                               templateid=template['id'], zoneid=self.zone,
                               name='from-url')
        self.assertEqual(200, code, body)

    def test_checksum_mismatch_and_bad_format_fail(self):
        sha = '{SHA-256}' + '0' * 64
        failed = self.wait_listed(self.register(checksum=sha)['template'][
            0]['id'])
        self.assertFalse(failed['isready'])
        self.assertIn('Download Failed: checksum mismatch', failed['status'])
        with open(os.path.join(self.served, 'plain.raw'), 'wb') as f:
            f.write(b'not qcow2')
        failed = self.wait_listed(self.register(
            url=self.base + 'plain.raw')['template'][0]['id'])
        self.assertIn('not a qcow2 image', failed['status'])
        failed = self.wait_listed(self.register(
            url=self.base + 'missing')['template'][0]['id'])
        self.assertIn('Download Failed', failed['status'])

    def test_file_url_under_allowed_dir(self):
        url = 'file://' + os.path.join(self.served, 'tiny.qcow2')
        listed = self.wait_listed(self.register(url=url, format='RAW')[
            'template'][0]['id'])
        self.assertEqual(('Download Complete', 'RAW'),
                         (listed['status'], listed['format']))

    def test_urls_off_this_machine_are_refused(self):
        for url in ('http://10.0.0.1/x.qcow2', 'https://example.com/x',
                    'ftp://127.0.0.1/x', 'file:///etc/passwd',
                    'http://127.0.0.1.nip.io/x'):
            body = self.register(status=431, url=url)
            self.assertIn('parameter url', body['errortext'])
        self.assertEqual([], self.json('listTemplates',
                                       templatefilter='self')[1][
            'listtemplatesresponse'].get('template', []))

    def test_other_refusals(self):
        self.register(status=431, hypervisor='XenServer')
        self.register(status=431, format='VHD')
        self.register(status=431, checksum='xyz')
        self.register(status=531, ispublic='true')


class ChecksumTest(testtools.TestCase):

    def test_forms(self):
        self.assertEqual(('md5', 'a' * 32),
                         url_import.parse_checksum('A' * 32))
        self.assertEqual(('sha256', 'b' * 64),
                         url_import.parse_checksum('{SHA-256}' + 'b' * 64))
        self.assertIsNone(url_import.parse_checksum(''))
        for bad in ('{SHA-256}' + 'b' * 32, '{CRC}00', 'zz', 'a' * 33):
            self.assertRaises(exception.Invalid, url_import.parse_checksum,
                              bad)

    def test_check_url(self):
        self.assertEqual('http://[::1]:8/x',
                         url_import.check_url('http://[::1]:8/x'))
        self.assertEqual('http://localhost/x',
                         url_import.check_url('http://localhost/x'))
        self.assertRaises(exception.Invalid, url_import.check_url,
                          'file:///srv/a/../b/x', ['/srv/a'])
        self.assertEqual('file:///srv/a/x',
                         url_import.check_url('file:///srv/a/x', ['/srv/a']))
