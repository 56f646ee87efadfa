"""``/v2.1/os-quota-sets`` and ``/v2.1/limits`` (compute API reference,
"Quota sets (os-quota-sets)", "Limits (limits)", microversion 2.1), and
the quota checks of server create and metadata updates."""
from nova_lite import quota
from tests.unit.api import fakes

QUOTAS = '/v2.1/os-quota-sets/'
RESOURCES = {'cores', 'fixed_ips', 'floating_ips',
             'injected_file_content_bytes', 'injected_file_path_bytes',
             'injected_files', 'instances', 'key_pairs', 'metadata_items',
             'ram', 'security_group_rules', 'security_groups',
             'server_group_members', 'server_groups'}
DEFAULTS = {'cores': 20, 'fixed_ips': -1, 'floating_ips': 10,
            'injected_file_content_bytes': 10240,
            'injected_file_path_bytes': 255, 'injected_files': 5,
            'instances': 10, 'key_pairs': 100, 'metadata_items': 128,
            'ram': 51200, 'security_group_rules': 20, 'security_groups': 10,
            'server_group_members': 10, 'server_groups': 10}
ABSOLUTE = {'maxImageMeta', 'maxPersonality', 'maxPersonalitySize',
            'maxSecurityGroupRules', 'maxSecurityGroups',
            'maxServerGroupMembers', 'maxServerGroups', 'maxServerMeta',
            'maxTotalCores', 'maxTotalFloatingIps', 'maxTotalInstances',
            'maxTotalKeypairs', 'maxTotalRAMSize', 'totalCoresUsed',
            'totalFloatingIpsUsed', 'totalInstancesUsed', 'totalRAMUsed',
            'totalSecurityGroupsUsed', 'totalServerGroupsUsed'}


class QuotaSetsTest(fakes.APITestCase):

    def put_quota(self, project, values, headers=fakes.ADMIN):
        return self.put(QUOTAS + project, {'quota_set': values}, headers)

    def test_show_own_project_defaults(self):
        for headers in (fakes.MEMBER, fakes.READER):
            resp = self.get(QUOTAS + fakes.PROJECT, headers)
            self.assertEqual(200, resp.status_code, resp.json)
            self.assertEqual(dict(DEFAULTS, id=fakes.PROJECT),
                             resp.json['quota_set'])
        self.assertEqual(RESOURCES, set(quota.RESOURCES))

    def test_show_other_project_needs_admin(self):
        self.assertFault(self.get(QUOTAS + fakes.OTHER_PROJECT), 403,
                         'forbidden')
        resp = self.get(QUOTAS + fakes.OTHER_PROJECT, fakes.ADMIN)
        self.assertEqual(fakes.OTHER_PROJECT, resp.json['quota_set']['id'])

    def test_defaults_ignore_overrides(self):
        self.put_quota(fakes.PROJECT, {'ram': 1024})
        resp = self.get(QUOTAS + fakes.PROJECT + '/defaults')
        self.assertEqual(200, resp.status_code)
        self.assertEqual(dict(DEFAULTS, id=fakes.PROJECT),
                         resp.json['quota_set'])

    def test_defaults_follow_config(self):
        self.api.conf.config(instances=3, group='quota')
        resp = self.get(QUOTAS + fakes.PROJECT + '/defaults')
        self.assertEqual(3, resp.json['quota_set']['instances'])

    def test_update_and_reset(self):
        resp = self.put_quota(fakes.PROJECT, {'ram': '5120', 'cores': 4,
                                              'instances': -1,
                                              'force': True})
        self.assertEqual(200, resp.status_code, resp.json)
        expected = dict(DEFAULTS, ram=5120, cores=4, instances=-1)
        self.assertEqual(expected, resp.json['quota_set'])
        shown = self.get(QUOTAS + fakes.PROJECT).json['quota_set']
        self.assertEqual(dict(expected, id=fakes.PROJECT), shown)
        other = self.get(QUOTAS + fakes.OTHER_PROJECT, fakes.ADMIN)
        self.assertEqual(51200, other.json['quota_set']['ram'])
        resp = self.delete(QUOTAS + fakes.PROJECT, fakes.ADMIN)
        self.assertEqual(202, resp.status_code)
        self.assertEqual(dict(DEFAULTS, id=fakes.PROJECT),
                         self.get(QUOTAS + fakes.PROJECT).json['quota_set'])

    def test_update_twice_updates(self):
        self.put_quota(fakes.PROJECT, {'ram': 100})
        self.put_quota(fakes.PROJECT, {'ram': 200})
        self.assertEqual(200, self.get(QUOTAS + fakes.PROJECT).json[
            'quota_set']['ram'])

    def test_update_and_delete_need_admin(self):
        self.assertFault(self.put_quota(fakes.PROJECT, {'ram': 1},
                                        fakes.MEMBER), 403, 'forbidden')
        self.assertFault(self.delete(QUOTAS + fakes.PROJECT), 403,
                         'forbidden')

    def test_bad_updates_are_400(self):
        for values in ({'ram': -2}, {'ram': 'lots'}, {'ram': 1.5},
                       {'ram': '9999999999'}, {'ram': 2 ** 31},
                       {'bogus': 1}, {'ram': None}, {'force': 'maybe'}):
            self.assertFault(self.put_quota(fakes.PROJECT, values), 400,
                             'badRequest')
        self.assertFault(self.put(QUOTAS + fakes.PROJECT, {'ram': 1},
                                  fakes.ADMIN), 400, 'badRequest')
        resp = self.put(QUOTAS + fakes.PROJECT + '?user_id=' + 'u' * 256,
                        {'quota_set': {'ram': 1}}, fakes.ADMIN)
        self.assertFault(resp, 400, 'badRequest', 'user_id')

    def test_limit_below_usage_needs_force(self):
        self.create_server()
        self.create_server()
        resp = self.put_quota(fakes.PROJECT, {'instances': 1})
        self.assertFault(resp, 400, 'badRequest', 'already used')
        resp = self.put_quota(fakes.PROJECT, {'instances': 1,
                                              'force': 'true'})
        self.assertEqual(200, resp.status_code, resp.json)

    def test_detail(self):
        self.create_server()
        resp = self.get(QUOTAS + fakes.PROJECT + '/detail')
        self.assertEqual(200, resp.status_code, resp.json)
        body = resp.json['quota_set']
        self.assertEqual(RESOURCES | {'id'}, set(body))
        self.assertEqual({'in_use': 1, 'limit': 10, 'reserved': 0},
                         body['instances'])
        self.assertEqual({'in_use': 512, 'limit': 51200, 'reserved': 0},
                         body['ram'])

    def test_impossible_project_id_is_404(self):
        url = QUOTAS + 'p' * 256
        self.assertFault(self.get(url, fakes.ADMIN), 404, 'itemNotFound')
        self.assertFault(self.put(url, {'quota_set': {'ram': 1}},
                                  fakes.ADMIN), 404, 'itemNotFound')

    def test_show_with_user_id(self):
        resp = self.get(QUOTAS + fakes.PROJECT + '?user_id=' + fakes.USER)
        self.assertEqual(dict(DEFAULTS, id=fakes.PROJECT),
                         resp.json['quota_set'])


class LimitsTest(fakes.APITestCase):

    def test_limits(self):
        self.create_server()
        resp = self.get('/v2.1/limits')
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual({'limits'}, set(resp.json))
        self.assertEqual([], resp.json['limits']['rate'])
        absolute = resp.json['limits']['absolute']
        self.assertEqual(ABSOLUTE, set(absolute))
        self.assertEqual((10, 20, 51200, 128, 128, 100, 1, 1, 512, 0),
                         tuple(absolute[k] for k in (
                             'maxTotalInstances', 'maxTotalCores',
                             'maxTotalRAMSize', 'maxServerMeta',
                             'maxImageMeta', 'maxTotalKeypairs',
                             'totalInstancesUsed', 'totalCoresUsed',
                             'totalRAMUsed', 'totalServerGroupsUsed')))

    def test_other_project_needs_admin(self):
        self.create_server()
        url = '/v2.1/limits?tenant_id=' + fakes.PROJECT
        self.assertFault(self.get(url, fakes.OTHER), 403, 'forbidden')
        absolute = self.get(url, fakes.ADMIN).json['limits']['absolute']
        self.assertEqual(1, absolute['totalInstancesUsed'])
        own = self.get('/v2.1/limits', fakes.OTHER).json['limits']
        self.assertEqual(0, own['absolute']['totalInstancesUsed'])

    def test_limits_follow_overrides(self):
        self.put(QUOTAS + fakes.PROJECT, {'quota_set': {'cores': 7}},
                 fakes.ADMIN)
        absolute = self.get('/v2.1/limits').json['limits']['absolute']
        self.assertEqual(7, absolute['maxTotalCores'])


class ServerCreateQuotaTest(fakes.APITestCase):

    def create(self, headers=None, **server):
        body = {'name': 'web', 'imageRef': fakes.IMAGE_UUID,
                'flavorRef': '1'}
        body.update(server)
        return self.post('/v2.1/servers', {'server': body}, headers)

    def test_instances_quota(self):
        self.api.conf.config(instances=2, group='quota')
        self.create_server()
        self.create_server()
        message = self.assertFault(self.create(), 403, 'forbidden')
        self.assertEqual('Quota exceeded for instances: Requested 1, but '
                         'already used 2 of 2 instances', message)
        self.assertEqual(2, self.api.count_instances())
        self.create_server(headers=fakes.OTHER)

    def test_cores_and_ram_quota(self):
        self.api.conf.config(cores=2, group='quota')
        self.create_server(flavorRef='1')
        self.create_server(flavorRef='1')
        self.assertFault(self.create(), 403, 'forbidden',
                         'Quota exceeded for cores: Requested 1, but '
                         'already used 2 of 2 cores')
        self.api.conf.config(cores=-1, ram=1000, group='quota')
        self.assertFault(self.create(), 403, 'forbidden',
                         'Quota exceeded for ram: Requested 512, but '
                         'already used 1024 of 1000 ram')

    def test_min_max_count_creates_what_fits(self):
        self.api.conf.config(instances=5, group='quota')
        self.create_server()
        resp = self.create(min_count=2, max_count=10)
        self.assertEqual(202, resp.status_code, resp.json)
        reservation = self.get('/v2.1/servers/' + resp.json['server']['id']
                               ).json['server']
        self.assertIsNotNone(reservation)
        servers = self.get('/v2.1/servers').json['servers']
        self.assertEqual(5, len(servers))

    def test_min_count_over_quota_is_403(self):
        self.api.conf.config(instances=5, group='quota')
        self.create_server()
        message = self.assertFault(self.create(min_count=5, max_count=8),
                                   403, 'forbidden')
        self.assertEqual('Quota exceeded for instances: Requested 5, but '
                         'already used 1 of 5 instances', message)
        self.assertEqual(1, self.api.count_instances())

    def test_override_applies(self):
        self.put(QUOTAS + fakes.PROJECT, {'quota_set': {'instances': 0}},
                 fakes.ADMIN)
        self.assertFault(self.create(), 403, 'forbidden', 'instances')

    def test_recheck_undoes_a_create_over_quota(self):
        self.api.conf.config(instances=1, group='quota')
        real = quota.instances_allowed
        self.patch(quota, 'instances_allowed',
                   lambda ctx, flavor, lo, hi, *args: hi)
        self.create_server()
        self.assertFault(self.create(), 403, 'forbidden', 'instances')
        self.patch(quota, 'instances_allowed', real)
        self.assertEqual(1, len(self.get('/v2.1/servers').json['servers']))

    def test_metadata_items_quota(self):
        self.api.conf.config(metadata_items=2, group='quota')
        self.assertFault(self.create(metadata={'a': '1', 'b': '2',
                                               'c': '3'}),
                         403, 'forbidden', 'metadata_items')
        server_id = self.create_server(metadata={'a': '1'})
        url = '/v2.1/servers/%s/metadata' % server_id
        self.assertEqual(200, self.post(url, {'metadata': {'b': '2'}})
                         .status_code)
        self.assertFault(self.post(url, {'metadata': {'c': '3'}}), 403,
                         'forbidden', 'metadata_items')
        self.assertFault(self.put(url + '/c', {'meta': {'c': '3'}}), 403,
                         'forbidden', 'metadata_items')
        resp = self.put(url, {'metadata': {'x': '1', 'y': '2'}})
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual(200, self.put(url + '/x', {'meta': {'x': '9'}})
                         .status_code)


class QuotaCheckTest(fakes.APITestCase):
    """``nova_lite.quota.check`` as other APIs (server groups) call it."""

    def context(self):
        from nova_lite import context
        return context.RequestContext(user_id=fakes.USER,
                                      project_id=fakes.PROJECT,
                                      roles=['member'])

    def test_server_groups(self):
        self.api.conf.config(server_groups=1, group='quota')
        ctx = self.context()
        quota.check(ctx, 'server_groups', 1)
        from nova_lite.db import server_groups as group_db
        group_db.instance_group_create(ctx, 'g1', 'affinity')
        exc = self.assertRaises(quota.exception.QuotaExceeded, quota.check,
                                ctx, 'server_groups', 1)
        self.assertEqual(403, exc.code)
        self.assertIn('already used 1 of 1 server_groups', str(exc))

    def test_members_with_given_usage(self):
        self.api.conf.config(server_group_members=3, group='quota')
        ctx = self.context()
        quota.check(ctx, 'server_group_members', 1, used=2)
        self.assertRaises(quota.exception.QuotaExceeded, quota.check, ctx,
                          'server_group_members', 2, used=2)
        self.assertRaises(ValueError, quota.check, ctx, 'bogus', 1)

    def test_instance_usage_is_the_projects_building_the_clouds(self):
        self.create_server(headers=fakes.OTHER)
        server_id = self.create_server()
        self.create_server(flavorRef='2')
        self.set_instance(server_id, vm_state='active', task_state=None)
        ctx = self.context()
        self.assertEqual({'instances': 2, 'cores': 2, 'ram': 2560,
                          'building': 2},
                         quota.instance_usage(ctx, with_building=True))
        self.assertEqual({'instances': 2, 'cores': 2, 'ram': 2560},
                         quota.instance_usage(ctx))

    def test_limits_and_usage_in_one_read(self):
        self.put(QUOTAS + fakes.PROJECT, {'quota_set': {
            'instances': 7, 'ram': 4096}}, fakes.ADMIN)
        self.create_server(headers=fakes.OTHER)
        self.create_server(flavorRef='2')
        limits, usage, _user = quota.limits_and_usage(self.context(),
                                                      with_building=True)
        self.assertEqual(dict(DEFAULTS, instances=7, ram=4096), limits)
        self.assertEqual({'instances': 1, 'cores': 1, 'ram': 2048,
                          'building': 2}, usage)
        limits, usage, _user = quota.limits_and_usage(self.context())
        self.assertEqual({'instances': 1, 'cores': 1, 'ram': 2048}, usage)
        other = fakes.OTHER['X-Project-Id']
        self.assertEqual(DEFAULTS, quota.get_limits(self.context(), other))

    def test_unlimited(self):
        self.api.conf.config(instances=-1, group='quota')
        quota.check(self.context(), 'instances', 10 ** 6)
