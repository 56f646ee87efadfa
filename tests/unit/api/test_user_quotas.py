"""Per-user quotas of ``/v2.1/os-quota-sets/{project_id}?user_id=``
(compute API reference, "Quota sets (os-quota-sets)"): stored per user,
shown and reset per user, their settable range (at most what the
project has left, at least the user's usage, unless ``force``), and
enforced at server and key pair create together with the project's."""
from tests.unit.api import fakes

QUOTAS = '/v2.1/os-quota-sets/' + fakes.PROJECT
#: A second user of fakes.PROJECT.
USER_C = 'user-c'
MEMBER_C = dict(fakes.MEMBER, **{'X-User-Id': USER_C})


def user_url(user_id=fakes.USER, suffix=''):
    return QUOTAS + suffix + '?user_id=' + user_id


class UserQuotaTest(fakes.APITestCase):

    def put_user(self, values, user_id=fakes.USER, headers=fakes.ADMIN):
        return self.put(user_url(user_id), {'quota_set': values}, headers)

    def test_user_limits_are_the_users_only(self):
        resp = self.put_user({'instances': 3, 'ram': '2048'})
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertNotIn('id', resp.json['quota_set'])
        self.assertEqual((3, 2048), (resp.json['quota_set']['instances'],
                                     resp.json['quota_set']['ram']))
        shown = self.get(user_url()).json['quota_set']
        self.assertEqual((fakes.PROJECT, 3, 2048, 20), (
            shown['id'], shown['instances'], shown['ram'], shown['cores']))
        self.assertEqual(10, self.get(QUOTAS).json['quota_set']['instances'])
        self.assertEqual(10, self.get(user_url(USER_C)).json[
            'quota_set']['instances'])

    def test_user_limits_follow_the_projects_where_not_set(self):
        self.put_user({'ram': 2048})
        self.put(QUOTAS, {'quota_set': {'cores': 8}}, fakes.ADMIN)
        shown = self.get(user_url()).json['quota_set']
        self.assertEqual((2048, 8), (shown['ram'], shown['cores']))

    def test_user_limit_above_the_project_is_400(self):
        self.put(QUOTAS, {'quota_set': {'instances': 5}}, fakes.ADMIN)
        self.assertFault(self.put_user({'instances': 6}), 400, 'badRequest',
                         'must be less than or equal to 5')
        self.assertFault(self.put_user({'instances': -1}), 400,
                         'badRequest', 'less than or equal to 5')
        self.assertEqual(5, self.get(user_url()).json['quota_set'][
            'instances'])
        resp = self.put_user({'instances': 6, 'force': True})
        self.assertEqual(200, resp.status_code, resp.json)

    def test_users_share_what_the_project_has(self):
        self.put(QUOTAS, {'quota_set': {'instances': 10}}, fakes.ADMIN)
        self.assertEqual(200, self.put_user({'instances': 6}).status_code)
        self.assertFault(self.put_user({'instances': 5}, USER_C), 400,
                         'badRequest', 'less than or equal to 4')
        self.assertEqual(200, self.put_user({'instances': 4},
                                            USER_C).status_code)
        # The project may not go below what its users were given.
        self.assertFault(self.put(QUOTAS, {'quota_set': {'instances': 9}},
                                  fakes.ADMIN), 400, 'badRequest',
                         'already used and reserved 10')
        # A user's own limit is not counted against itself.
        self.assertEqual(200, self.put_user({'instances': 6}).status_code)

    def test_unlimited_project_has_no_maximum(self):
        self.put(QUOTAS, {'quota_set': {'cores': -1}}, fakes.ADMIN)
        self.assertEqual(200, self.put_user({'cores': 1000}).status_code)
        self.assertEqual(200, self.put_user({'cores': -1}).status_code)

    def test_user_limit_below_the_users_usage_needs_force(self):
        self.create_server()
        self.create_server()
        self.create_server(headers=MEMBER_C)
        self.assertFault(self.put_user({'instances': 1}), 400, 'badRequest',
                         'already used and reserved 2')
        self.assertEqual(200, self.put_user({'instances': 1},
                                            USER_C).status_code)
        self.assertEqual(200, self.put_user({'instances': 1, 'force': 'yes'}
                                            ).status_code)

    def test_detail_counts_the_users_usage(self):
        self.create_server()
        self.create_server(headers=MEMBER_C, flavorRef='2')
        self.put_user({'instances': 4})
        body = self.get(user_url(suffix='/detail')).json['quota_set']
        self.assertEqual({'in_use': 1, 'limit': 4, 'reserved': 0},
                         body['instances'])
        self.assertEqual(512, body['ram']['in_use'])
        body = self.get(user_url(USER_C, '/detail')).json['quota_set']
        self.assertEqual((1, 10, 2048), (body['instances']['in_use'],
                                         body['instances']['limit'],
                                         body['ram']['in_use']))
        body = self.get(QUOTAS + '/detail').json['quota_set']
        self.assertEqual((2, 2560), (body['instances']['in_use'],
                                     body['ram']['in_use']))

    def test_delete_user_then_project(self):
        self.put(QUOTAS, {'quota_set': {'instances': 8}}, fakes.ADMIN)
        self.put_user({'instances': 3})
        self.put_user({'instances': 2}, USER_C)
        self.assertEqual(202, self.delete(user_url(), fakes.ADMIN)
                         .status_code)
        self.assertEqual(8, self.get(user_url()).json['quota_set'][
            'instances'])
        self.assertEqual(2, self.get(user_url(USER_C)).json['quota_set'][
            'instances'])
        self.assertEqual(202, self.delete(QUOTAS, fakes.ADMIN).status_code)
        self.assertEqual(10, self.get(user_url(USER_C)).json['quota_set'][
            'instances'])

    def test_policies(self):
        self.assertFault(self.put_user({'ram': 1}, headers=fakes.MEMBER),
                         403, 'forbidden')
        self.assertFault(self.delete(user_url()), 403, 'forbidden')
        self.assertFault(self.get(user_url(), fakes.OTHER), 403,
                         'forbidden')
        self.assertEqual(200, self.get(user_url(USER_C),
                                       fakes.READER).status_code)

    def test_too_long_user_id_is_400(self):
        for method in (self.get, self.delete):
            self.assertFault(method(user_url('u' * 256), fakes.ADMIN), 400,
                             'badRequest', 'user_id')


class UserQuotaEnforcementTest(fakes.APITestCase):

    def create(self, headers=None, **server):
        body = {'name': 'web', 'imageRef': fakes.IMAGE_UUID,
                'flavorRef': '1'}
        body.update(server)
        return self.post('/v2.1/servers', {'server': body}, headers)

    def put_user(self, values, user_id=fakes.USER):
        resp = self.put(user_url(user_id), {'quota_set': values},
                        fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.json)

    def test_user_instances_limit(self):
        self.put_user({'instances': 1})
        self.create_server()
        message = self.assertFault(self.create(), 403, 'forbidden')
        self.assertEqual('Quota exceeded for instances: Requested 1, but '
                         'already used 1 of 1 instances', message)
        # The project's other users still have room.
        self.create_server(headers=MEMBER_C)
        self.create_server(headers=MEMBER_C)

    def test_project_limit_still_applies(self):
        self.put(QUOTAS, {'quota_set': {'instances': 2}}, fakes.ADMIN)
        self.put_user({'instances': 2})
        self.create_server(headers=MEMBER_C)
        self.create_server()
        self.assertFault(self.create(), 403, 'forbidden',
                         'already used 2 of 2 instances')

    def test_user_cores_and_ram_limits(self):
        self.put_user({'cores': 1})
        self.create_server()
        self.assertFault(self.create(), 403, 'forbidden',
                         'Quota exceeded for cores: Requested 1, but '
                         'already used 1 of 1 cores')
        self.put_user({'cores': 20, 'ram': 1024})
        self.assertFault(self.create(flavorRef='2'), 403, 'forbidden',
                         'Quota exceeded for ram')

    def test_min_max_count_stops_at_the_users_limit(self):
        self.put_user({'instances': 3})
        self.create_server(headers=MEMBER_C)
        resp = self.create(min_count=1, max_count=5)
        self.assertEqual(202, resp.status_code, resp.json)
        servers = self.get('/v2.1/servers').json['servers']
        self.assertEqual(4, len(servers))

    def test_recheck_uses_the_users_limits(self):
        from nova_lite import quota
        self.put_user({'instances': 1})
        self.patch(quota, 'instances_allowed',
                   lambda ctx, flavor, lo, hi, *args: hi)
        self.create_server()
        self.assertFault(self.create(), 403, 'forbidden', 'instances')
        self.assertEqual(1, len(self.get('/v2.1/servers').json['servers']))

    def test_key_pairs_count_against_the_users_limit(self):
        self.put_user({'key_pairs': 1})
        url = '/v2.1/os-keypairs'
        self.assertEqual(200, self.post(url, {'keypair': {
            'name': 'k1'}}).status_code)
        self.assertFault(self.post(url, {'keypair': {'name': 'k2'}}), 403,
                         'forbidden', 'key_pairs')
        self.assertEqual(200, self.post(url, {'keypair': {'name': 'k2'}},
                                        MEMBER_C).status_code)
