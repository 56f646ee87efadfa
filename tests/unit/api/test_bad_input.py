"""Malformed ``POST /v2.1/servers`` requests: each is a 4xx compute API
fault with a message naming the problem, and creates nothing.

One test per case (generated from CASES) so a failure names its case.
"""
import base64
import json

from nova_lite.db import images as image_db
from tests.unit.api import fakes

INACTIVE_IMAGE = '0a1b2c3d-0000-4000-8000-000000000001'
GOOD = {'name': 'web', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1'}


def server(**changes):
    """A create body: GOOD with ``changes`` (a None value removes a key)."""
    body = dict(GOOD)
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return {'server': body}


#: name → (request: body dict, or dict(raw=..., content_type=...),
#:         expected status, fault name, message fragment)
CASES = {
    'missing_name': (server(name=None), 400, 'badRequest',
                     "'name' is a required property"),
    'empty_name': (server(name=''), 400, 'badRequest', 'server/name'),
    'whitespace_name': (server(name='   '), 400, 'badRequest',
                        'not only whitespace'),
    'oversize_name': (server(name='n' * 256), 400, 'badRequest',
                      'is too long'),
    'name_not_string': (server(name=42), 400, 'badRequest', 'server/name'),
    'name_with_newline': (server(name='web\n'), 400, 'badRequest',
                          'server/name'),
    'missing_flavor': (server(flavorRef=None), 400, 'badRequest',
                       "'flavorRef' is a required property"),
    'unknown_flavor': (server(flavorRef='99'), 400, 'badRequest',
                       'Flavor 99 could not be found'),
    'empty_flavor': (server(flavorRef=''), 400, 'badRequest',
                     'server/flavorRef'),
    'flavor_wrong_type': (server(flavorRef=['1']), 400, 'badRequest',
                          'server/flavorRef'),
    'unknown_image': (server(imageRef='d9a1e2c4-0000-4000-8000-00000000aaaa'),
                      400, 'badRequest', 'Can not find requested image'),
    'inactive_image': (server(imageRef=INACTIVE_IMAGE), 400, 'badRequest',
                       'not active'),
    'no_image': (server(imageRef=None), 400, 'badRequest', 'imageRef'),
    'min_count_above_max_count': (server(min_count=3, max_count=2), 400,
                                  'badRequest', 'min_count'),
    'min_count_zero': (server(min_count=0), 400, 'badRequest',
                       'server/min_count'),
    'max_count_zero_string': (server(max_count='0'), 400, 'badRequest',
                              'server/max_count'),
    'min_count_not_a_number': (server(min_count='two'), 400, 'badRequest',
                               'server/min_count'),
    'max_count_too_large': (server(max_count=100000), 400, 'badRequest',
                            'server/max_count'),
    'user_data_not_base64': (server(user_data='not base64!'), 400,
                             'badRequest', "'user_data' is not a valid "
                             "base64"),
    'user_data_too_long': (server(user_data=base64.b64encode(
        b'x' * 50000).decode()), 400, 'badRequest', 'server/user_data'),
    'unknown_server_property': (server(colour='blue'), 400, 'badRequest',
                                "'colour' was unexpected"),
    'unknown_top_level_property': (dict(server(), extra={}), 400,
                                   'badRequest', "'extra' was unexpected"),
    'missing_server': ({'name': 'web'}, 400, 'badRequest',
                       "'server' is a required property"),
    'body_is_a_list': ([GOOD], 400, 'badRequest', 'is not of type'),
    'server_is_a_string': ({'server': 'web'}, 400, 'badRequest',
                           'is not of type'),
    'metadata_value_too_long': (server(metadata={'k': 'v' * 256}), 400,
                                'badRequest', 'server/metadata/k'),
    'metadata_bad_key': (server(metadata={'a/b': 'v'}), 400, 'badRequest',
                         'server/metadata'),
    # Past the metadata_items quota (128): 403, as the compute API answers.
    'metadata_too_many_items': (server(metadata={
        'k%d' % i: 'v' for i in range(129)}), 403, 'forbidden',
        'metadata_items'),
    'network_not_uuid': (server(networks=[{'uuid': 'net1'}]), 400,
                         'badRequest', 'server/networks'),
    'network_unknown': (server(networks=[{
        'uuid': '3f2a1b4c-0000-4000-8000-00000000beef'}]), 400, 'badRequest',
        'could not be found'),
    'network_fixed_ip_invalid': (server(networks=[{
        'uuid': '3f2a1b4c-0000-4000-8000-00000000beef',
        'fixed_ip': '10.0.0.300'}]), 400, 'badRequest', 'server/networks'),
    'unknown_security_group': (server(security_groups=[{'name': 'web'}]),
                               400, 'badRequest', 'security group web'),
    'volume_block_device_mapping': (server(block_device_mapping_v2=[{
        'source_type': 'volume', 'destination_type': 'volume',
        'uuid': 'vol-1', 'boot_index': 0}]), 400, 'badRequest',
        'failed to get volume vol-1'),
    'bad_disk_config': (server(**{'OS-DCF:diskConfig': 'SOMETIMES'}), 400,
                        'badRequest', 'OS-DCF:diskConfig'),
    'bad_access_ip': (server(accessIPv4='1.2.3'), 400, 'badRequest',
                      'accessIPv4'),
    'bad_return_reservation_id': (server(return_reservation_id='maybe'),
                                  400, 'badRequest',
                                  'return_reservation_id'),
    'scheduler_hint_group_not_uuid': (dict(server(), **{
        'os:scheduler_hints': {'group': 'g1'}}), 400, 'badRequest',
        'os:scheduler_hints/group'),
    'oversize_admin_pass': (server(adminPass='p' * 256), 400, 'badRequest',
                            'adminPass. Value: ***'),
    'key_name_not_string': (server(key_name=['k']), 400, 'badRequest',
                            'server/key_name'),
    'nul_in_metadata_value': (server(metadata={'k': 'v\x00'}), 400,
                              'badRequest', 'NUL characters'),
    'nul_in_image_ref': (server(imageRef='\x00'), 400, 'badRequest',
                         'NUL characters'),
    'invalid_json': ({'raw': '{"server": {"name": "web",'}, 400,
                     'badRequest', 'Malformed request body'),
    'json_nan': ({'raw': '{"server": {"name": NaN}}'}, 400, 'badRequest',
                 'Malformed request body'),
    'deeply_nested_json': ({'raw': '[' * 5000 + ']' * 5000}, 400,
                           'badRequest', 'Malformed request body'),
    'empty_body': ({'raw': ''}, 400, 'badRequest', 'JSON body is required'),
    'not_utf8': ({'raw': b'{"server": "\xff\xfe"}'}, 400, 'badRequest',
                 'Malformed request body'),
    'wrong_content_type': ({'raw': json.dumps(server()),
                            'content_type': 'text/plain'}, 415,
                           'badMediaType', 'application/json'),
    'form_content_type': ({'raw': 'server=web', 'content_type':
                           'application/x-www-form-urlencoded'}, 415,
                          'badMediaType', 'Content-Type'),
    'body_too_large': ({'raw': json.dumps(server()) + ' ' * 114688}, 413,
                       'overLimit', 'too large'),
}


class BadCreateTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        image_db.image_create(self.api.admin_context, {
            'uuid': INACTIVE_IMAGE, 'name': 'uploading', 'status': 'queued',
            'visibility': 'public', 'properties': {}})

    def check(self, request, status, fault, fragment):
        if isinstance(request, dict) and 'raw' in request:
            resp = self.post('/v2.1/servers', raw=request['raw'],
                             content_type=request.get('content_type',
                                                      'application/json'))
        else:
            resp = self.post('/v2.1/servers', request)
        self.assertFault(resp, status, fault, fragment)
        self.assertIn('x-openstack-request-id', resp.headers)
        self.assertEqual(0, self.api.count_instances())

    def test_good_request_creates(self):
        """The baseline the cases break: this one creates a server."""
        self.assertEqual(202, self.post('/v2.1/servers', server())
                         .status_code)
        self.assertEqual(1, self.api.count_instances())


def _make_test(case):
    def test(self):
        self.check(*CASES[case])
    test.__name__ = 'test_' + case
    test.__doc__ = 'Refused: %s.' % case.replace('_', ' ')
    return test


for _case in CASES:
    setattr(BadCreateTest, 'test_' + _case, _make_test(_case))
