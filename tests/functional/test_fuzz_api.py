"""Issue 7 acceptance 7: schemathesis against the live compute API.

A MultiProcessStack (MariaDB, RabbitMQ, noauth with an admin identity)
serves the API; its own OpenAPI document (``GET /v2.1/openapi.json``,
generated from the route table and the request schemas) drives
schemathesis's fuzzing phase (valid and invalid data) over every
operation.  The run must send at least MIN_REQUESTS requests and find no
5xx (``not_a_server_error``), no response outside the documented
statuses, content types and schemas.  Schemathesis's summary is printed
and its output attached on failure; with ``NOVA_LITE_TEST_LOG_DIR`` set,
its JUnit and ndjson reports and the API log are kept there.

Path parameters are drawn half of the time from ids of resources the
test creates first (a server with metadata, an aggregate, a server group,
a key pair, ...), through a schemathesis.toml of dictionaries, so the
fuzzing reaches the handlers behind the 404s.

The run is repeated at three microversions: 2.1, 2.60 (the middle of the
supported range while the maximum is below it) and the advertised
maximum, each with that version's
document (``/openapi.json?microversion=X``, whose operations send
``OpenStack-API-Version: compute X``).

Bounded in time: ``--max-examples`` per operation (split between the
versions), a per-request timeout and a timeout on each run.
"""
import collections
import json
import os
import shutil
import subprocess
import sys

import testtools
from testtools import content

from nova_lite.api import microversion
from nova_lite.api import openapi
from nova_lite.bench import client as compute_client
from tests.functional.fixtures import processes

_MIDDLE = microversion.APIVersion(2, 60)
if _MIDDLE > microversion.MAX_VERSION:
    _MIDDLE = microversion.all_versions()[
        len(microversion.all_versions()) // 2]
#: Microversions fuzzed: the minimum, 2.60 (the middle while the maximum
#: is below it) and the advertised maximum.
VERSIONS = sorted({microversion.MIN_VERSION, _MIDDLE,
                   microversion.MAX_VERSION})
#: Generated test cases per operation and version (fewer where the
#: operation's input space is small): about 4,000 requests in all,
#: twice MIN_REQUESTS (4,382 and 180 s in a CI run on 2026-12-07).
MAX_EXAMPLES = 45 // len(VERSIONS) + 1
#: The acceptance floor of requests sent in one run.
MIN_REQUESTS = 2000
#: Seconds the whole schemathesis run may take.
RUN_TIMEOUT = 1200
CHECKS = ('not_a_server_error', 'status_code_conformance',
          'content_type_conformance', 'response_schema_conformance')
IDENTITY = {'X-Auth-Token': 'fuzz:fuzz-project', 'X-User-Id': 'fuzz',
            'X-Project-Id': 'fuzz-project', 'X-Roles': 'admin,member,reader'}


def schemathesis_command():
    """argv prefix of the schemathesis CLI of this interpreter."""
    script = os.path.join(os.path.dirname(sys.executable), 'schemathesis')
    if os.path.exists(script):
        return [script]
    return [sys.executable, '-m', 'schemathesis.cli']


class TestFuzzAPI(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(processes.MultiProcessStack(
            'mysql', hosts=('node1', 'node2'), conf={
                ('DEFAULT', 'report_interval'): 2,
                ('quota', 'instances'): -1, ('quota', 'cores'): -1,
                ('quota', 'ram'): -1,
                ('api', 'threads'): 8}))
        self.client = compute_client.ComputeClient(self.stack.api_url)
        self.client.session.headers.update(IDENTITY)

    def _schema_file(self, version):
        resp = self.client.request('GET', '/openapi.json?microversion=%s'
                                   % str(version))
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual(str(version), resp.json()['info']['version'])
        path = os.path.join(self.stack.state_dir,
                            'openapi-%s.json' % str(version))
        with open(path, 'w') as schema:
            json.dump(resp.json(), schema)
        return path, len(resp.json()['paths'])

    # -------------------------------------------------------------- seeding

    def _post(self, path, body, key, field='id'):
        """POST ``body``; the ``field`` of the response's ``key`` object
        (None when the API refuses: the dictionary is then left out)."""
        resp = self.client.request('POST', path, json=body)
        if resp.status_code not in (200, 201, 202):
            return None
        return resp.json()[key][field]

    def _first(self, path, key, field='id'):
        resp = self.client.request('GET', path)
        items = resp.json().get(key, []) if resp.status_code == 200 else []
        return items[0][field] if items else None

    def _seed(self):
        """{path parameter: [known values]} of resources made here."""
        image = self.client.image_id('tiny')
        server = self._post('/servers', {'server': {
            'name': 'seed', 'flavorRef': '1', 'imageRef': image,
            'metadata': {'k1': 'v1'}}}, 'server')
        self.client.wait_for_servers([server], timeout=60)
        values = {
            'server_id': server, 'image_id': image, 'flavor_id': '1',
            'key': 'k1', 'project_id': IDENTITY['X-Project-Id'],
            'hostname_pattern': 'node',
            'aggregate_id': self._post('/os-aggregates', {'aggregate': {
                'name': 'seed-agg'}}, 'aggregate'),
            'group_id': self._post('/os-server-groups', {'server_group': {
                'name': 'seed-group', 'policies': ['anti-affinity']}},
                'server_group'),
            'keypair_name': self._post('/os-keypairs', {'keypair': {
                'name': 'seed-key'}}, 'keypair', 'name'),
            'hypervisor_id': self._first('/os-hypervisors', 'hypervisors'),
            'network_id': self._first('/os-networks', 'networks'),
            'service_id': self._first('/os-services', 'services'),
            'request_id': self._first('/servers/%s/os-instance-actions'
                                      % server, 'instanceActions',
                                      'request_id'),
        }
        return {name: value for name, value in values.items()
                if value is not None}

    def _config_file(self, seeds):
        """A schemathesis.toml drawing each seeded path parameter from its
        known value half of the time."""
        lines = []
        for name, value in sorted(seeds.items()):
            lines.append('[dictionaries.%s]\nvalues = [%s]\n'
                         % (name, json.dumps(str(value))))
        lines.append('[parameters]')
        for name in sorted(seeds):
            lines.append('"path.%s" = { dictionary = "%s", probability = '
                         '0.5 }' % (name, name))
        # A documented 501 (no driver does it) is not a server error.
        for method, path in sorted(openapi.NOT_IMPLEMENTED):
            lines.append('\n[[operations]]\ninclude-path = %s\n'
                         'include-method = "%s"\n'
                         'checks.not_a_server_error.expected-statuses = '
                         '["2xx", "3xx", "4xx", "501"]'
                         % (json.dumps(path), method))
        path = os.path.join(self.stack.state_dir, 'schemathesis.toml')
        with open(path, 'w') as config:
            config.write('\n'.join(lines) + '\n')
        return path

    # ------------------------------------------------------------------ run

    def _run(self, schema_path, config_path, report_dir, version):
        argv = schemathesis_command() + [
            '--no-color', '--config-file', config_path, 'run', schema_path,
            '--url', self.stack.api_url,
            '--checks', ','.join(CHECKS),
            '--max-examples', str(MAX_EXAMPLES), '--seed', '7',
            '--phases', 'fuzzing',
            '--workers', '2', '--request-timeout', '30',
            '--suppress-health-check', 'all',
            '--generation-database', 'none',
            '--generation-with-security-parameters', 'false',
            '--report', 'junit,ndjson', '--report-dir', report_dir]
        for name, value in IDENTITY.items():
            argv += ['--header', '%s: %s' % (name, value)]
        # Every request asks for the version whose document it is checked
        # against (a generated request that dropped the header would be
        # answered at 2.1 and judged by the other version's schemas).
        argv += ['--header',
                 'OpenStack-API-Version: compute %s' % str(version)]
        return subprocess.run(argv, capture_output=True, text=True,
                              timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL,
                              cwd=self.stack.state_dir,
                              env=dict(os.environ, SCHEMATHESIS_TELEMETRY=
                                       'false'))

    def _keep(self, report_dir):
        """Copy the reports and the API log to
        ``$NOVA_LITE_TEST_LOG_DIR/<test id>`` when that is set."""
        keep = os.environ.get('NOVA_LITE_TEST_LOG_DIR')
        if not keep:
            return
        target = os.path.join(keep, self.id())
        shutil.copytree(report_dir, target, dirs_exist_ok=True)
        shutil.copy(self.stack.processes['api'].log_path, target)

    @staticmethod
    def _responses(report_dir):
        """{status: count} of the responses recorded in schemathesis's
        ndjson event stream (one ``ScenarioFinished`` per scenario, with
        its request/response ``interactions``)."""
        statuses = collections.Counter()
        for name in os.listdir(report_dir):
            if not name.endswith('.ndjson'):
                continue
            with open(os.path.join(report_dir, name)) as events:
                for line in events:
                    finished = json.loads(line).get('ScenarioFinished')
                    if not finished:
                        continue
                    interactions = finished['recorder'].get(
                        'interactions', {})
                    for interaction in interactions.values():
                        response = interaction.get('response') or {}
                        statuses[response.get('status_code')] += 1
        return statuses

    def test_fuzz_every_operation(self):
        config_path = self._config_file(self._seed())
        statuses = collections.Counter()
        for version in VERSIONS:
            schema_path, paths = self._schema_file(version)
            report_dir = os.path.join(self.stack.state_dir,
                                      'schemathesis-%s' % str(version))
            result = self._run(schema_path, config_path, report_dir,
                               version)
            self._keep(report_dir)
            print('microversion %s:' % str(version))
            print(result.stdout[-6000:])
            self.addDetail('schemathesis-stderr-%s' % str(version),
                           content.text_content(result.stderr[-4000:]))
            self.addDetail('schemathesis-stdout-%s' % str(version),
                           content.text_content(result.stdout[-20000:]))
            self.assertEqual(0, result.returncode,
                             'schemathesis found failures at %s'
                             % str(version))
            statuses.update(self._responses(report_dir))
        sent = sum(statuses.values())
        print('%d requests over %d paths and %d versions; responses by '
              'status: %s' % (sent, paths, len(VERSIONS),
                              dict(sorted(statuses.items(), key=str))))
        self.assertGreaterEqual(sent, MIN_REQUESTS)
        # 501 only where documented (status_code_conformance checked it).
        self.assertFalse([s for s in statuses
                          if s is None or (s >= 500 and s != 501)])
