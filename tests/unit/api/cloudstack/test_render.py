"""JSON and XML rendering and error bodies of the CloudStack API."""
import json
from xml.etree import ElementTree

import testtools

from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import render
from nova_lite.api.cloudstack import request as request_mod
from nova_lite import exception

BODY = {'count': 2, 'virtualmachine': [
    {'id': 'a', 'state': 'Running', 'haenable': False, 'keypair': None,
     'nic': [{'ipaddress': '10.0.0.2', 'isdefault': True}],
     'details': {'my key': 'v', '1x': 'w'}},
    {'id': 'b', 'state': 'Stopped', 'nic': [], 'details': {}}]}


class RenderTest(testtools.TestCase):

    def test_json(self):
        data, ctype = render.render('listvirtualmachinesresponse', BODY,
                                    True, '4.19.0')
        self.assertTrue(ctype.startswith('application/json'))
        doc = json.loads(data)
        vms = doc['listvirtualmachinesresponse']['virtualmachine']
        self.assertEqual(2, doc['listvirtualmachinesresponse']['count'])
        self.assertNotIn('keypair', vms[0])
        self.assertIs(False, vms[0]['haenable'])
        self.assertEqual('10.0.0.2', vms[0]['nic'][0]['ipaddress'])

    def test_xml(self):
        data, ctype = render.render('listvirtualmachinesresponse', BODY,
                                    False, '4.19.0')
        self.assertTrue(ctype.startswith('text/xml'))
        self.assertTrue(data.startswith(b'<?xml version="1.0"'))
        root = ElementTree.fromstring(data)
        self.assertEqual('listvirtualmachinesresponse', root.tag)
        self.assertEqual('4.19.0', root.get('cloud-stack-version'))
        self.assertEqual('2', root.findtext('count'))
        vms = root.findall('virtualmachine')
        self.assertEqual(['a', 'b'], [vm.findtext('id') for vm in vms])
        self.assertEqual('false', vms[0].findtext('haenable'))
        self.assertIsNone(vms[0].find('keypair'))
        self.assertEqual('true', vms[0].find('nic').findtext('isdefault'))
        self.assertEqual([], vms[1].findall('nic'))
        self.assertEqual('v', vms[0].find('details').findtext('my_key'))
        self.assertEqual('w', vms[0].find('details').findtext('_1x'))

    def test_xml_strips_characters_xml_cannot_hold(self):
        data, _ = render.to_xml('r', {'name': 'a\x00b\x1fc'}, '4')
        self.assertEqual('a\ufffdb\ufffdc',
                         ElementTree.fromstring(data).findtext('name'))

    def test_wants_json(self):
        self.assertTrue(render.wants_json({'response': 'JSON'}))
        self.assertFalse(render.wants_json({'response': 'xml'}))
        self.assertFalse(render.wants_json({}))

    def test_empty_list_is_empty_object(self):
        self.assertEqual({}, request_mod.listing([], 'zone'))
        self.assertEqual({'count': 5, 'zone': [1]},
                         request_mod.listing([1], 'zone', 5))


class ErrorBodyTest(testtools.TestCase):

    def test_error_body(self):
        body = errors.InvalidParameter('bad zoneid').body()
        self.assertEqual({'uuidList': [], 'errorcode': 431,
                          'cserrorcode': 4350, 'errortext': 'bad zoneid'},
                         body)
        self.assertEqual(401, errors.Unauthorized().body()['errorcode'])
        self.assertEqual(432, errors.UnknownCommand('x').code)

    def test_engine_exceptions_map_to_cloudstack_codes(self):
        cases = [
            (exception.Invalid(reason='x'), 431, 4350),
            (exception.InstanceNotFound(instance_id='i'), 431, 4350),
            (exception.InstanceInvalidState(action='a', instance_uuid='i',
                                            attr='vm_state', state='s'),
             431, 4350),
            (exception.Forbidden(action='x'), 531, 4365),
            (exception.QuotaExceeded(resource='r', requested=1, used=1,
                                     allowed=1), 532, 4370),
            (exception.Conflict(reason='x'), 536, 4300),
            (exception.NoValidHost(reason='full'), 533, 4325),
            (exception.ServiceUnavailable(reason='x'), 534, 4380),
            (exception.NovaLiteException('boom'), 530, 4250),
        ]
        for exc, code, cs_code in cases:
            err = errors.from_exception(exc)
            self.assertEqual((code, cs_code), (err.code, err.cs_code),
                             type(exc).__name__)
            self.assertEqual(exc.format_message(), err.text)
