"""Small compute API client for the lab scripts (run with the lab's venv).

Credentials are the ``OS_*`` variables ``devstack/openrc`` exports; the
compute endpoint comes from the token's catalog. Every HTTP call times
out after 30 s and every wait is bounded.

    labapi.py token                       print a token id
    labapi.py probe                       print which optional APIs answer:
                                          "image_api=yes os_networks=no ..."
    labapi.py status NAME                 the server's status, or ABSENT
    labapi.py boot NAME FLAVOR IMAGE      POST /servers by plain HTTP
                                          (flavor/image names resolved
                                          through /flavors and /images)
    labapi.py boot_key NAME FLAVOR IMAGE KEY   the same, with key_name KEY
    labapi.py keypair NAME PUBFILE        make key pair NAME of the public
                                          key in PUBFILE unless it exists
                                          with that key (replaced when
                                          another); prints created/kept/
                                          replaced
    labapi.py address NAME                the server's first fixed address
    labapi.py key_name NAME               the server's key_name ('' if none)
    labapi.py wait NAME STATUS SECONDS    until the server has STATUS
                                          (exit 1 with its fault on ERROR)
    labapi.py delete NAME SECONDS         delete and wait until it is gone
    labapi.py start NAME                  os-start
    labapi.py console NAME MARKER SECONDS until the console output holds
                                          MARKER; print that line
    labapi.py list                        the project's servers as a table
                                          (ID, Name, Status, Networks, Host)
"""
import os
import sys
import time

import requests

HTTP_TIMEOUT = 30  # seconds, one request
POLL = 2  # seconds between two looks


class LabAPIError(Exception):
    pass


def _env(name):
    value = os.environ.get(name)
    if not value:
        raise LabAPIError(f'{name} is not set: source devstack/openrc first')
    return value


def authenticate():
    """(token, compute endpoint URL) from Keystone with the OS_* password
    credentials."""
    body = {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': _env('OS_USERNAME'), 'password': _env('OS_PASSWORD'),
            'domain': {'name': os.environ.get('OS_USER_DOMAIN_NAME',
                                              'Default')}}}},
        'scope': {'project': {
            'name': _env('OS_PROJECT_NAME'),
            'domain': {'name': os.environ.get('OS_PROJECT_DOMAIN_NAME',
                                              'Default')}}}}}
    url = _env('OS_AUTH_URL').rstrip('/') + '/auth/tokens'
    resp = requests.post(url, json=body, timeout=HTTP_TIMEOUT)
    if resp.status_code != 201:
        raise LabAPIError(f'POST {url} -> {resp.status_code} '
                          f'{resp.text[:200]}')
    region = os.environ.get('OS_REGION_NAME', 'RegionOne')
    for service in resp.json()['token'].get('catalog', []):
        if service['type'] != 'compute':
            continue
        for endpoint in service['endpoints']:
            if endpoint['interface'] == 'public' and \
                    endpoint.get('region_id', region) == region:
                return resp.headers['X-Subject-Token'], endpoint['url']
    raise LabAPIError('no public compute endpoint in the catalog')


class Compute:
    def __init__(self):
        self.token, self.url = authenticate()
        self.session = requests.Session()
        self.session.headers.update({'X-Auth-Token': self.token,
                                     'Accept': 'application/json'})

    def call(self, method, path, expect=(200,), base=None, **kwargs):
        url = (base or self.url).rstrip('/') + path
        resp = self.session.request(method, url, timeout=HTTP_TIMEOUT,
                                    **kwargs)
        if resp.status_code not in expect:
            raise LabAPIError(f'{method} {url} -> {resp.status_code} '
                              f'{resp.text[:300]}')
        return resp

    def answers(self, url):
        """True when the API serves ``url``: 200, or 403 for a route the
        user may not call (os-services is for admins only)."""
        try:
            return self.session.get(url, timeout=HTTP_TIMEOUT).status_code \
                in (200, 403)
        except requests.RequestException:
            return False

    def server(self, name):
        """The detail dict of the server called ``name``, or None."""
        servers = self.call('GET', '/servers/detail',
                            params={'name': name}).json()['servers']
        exact = [s for s in servers if s['name'] == name]
        if len(exact) > 1:
            raise LabAPIError(f'{len(exact)} servers are called {name}')
        return exact[0] if exact else None

    def find_id(self, collection, name):
        items = self.call('GET', f'/{collection}').json()[collection]
        for item in items:
            if name in (item['name'], item['id']):
                return item['id']
        raise LabAPIError(f'no {collection[:-1]} called {name}')


def probe(api):
    base = api.url.rsplit('/v2', 1)[0]
    found = {
        'image_api': api.answers(base + '/image/v2/images?limit=1'),
        'os_networks': api.answers(api.url + '/os-networks'),
        'os_services': api.answers(api.url + '/os-services'),
    }
    return ' '.join(f'{k}={"yes" if v else "no"}' for k, v in found.items())


def status(api, name):
    server = api.server(name)
    return server['status'] if server else 'ABSENT'


def boot(api, name, flavor, image, key_name=None):
    body = {'server': {'name': name,
                       'flavorRef': api.find_id('flavors', flavor),
                       'imageRef': api.find_id('images', image)}}
    if key_name:
        body['server']['key_name'] = key_name
    server = api.call('POST', '/servers', expect=(202,), json=body).json()
    return server['server']['id']


def keypair(api, name, pubfile):
    with open(pubfile, encoding='ascii') as f:
        public_key = f.read().strip()
    resp = api.call('GET', f'/os-keypairs/{name}', expect=(200, 404))
    outcome = 'created'
    if resp.status_code == 200:
        if resp.json()['keypair']['public_key'].strip() == public_key:
            return 'kept'
        api.call('DELETE', f'/os-keypairs/{name}', expect=(202, 204))
        outcome = 'replaced'
    api.call('POST', '/os-keypairs', expect=(200, 201), json={
        'keypair': {'name': name, 'public_key': public_key}})
    return outcome


def _server(api, name):
    server = api.server(name)
    if not server:
        raise LabAPIError(f'no server called {name}')
    return server


def address(api, name):
    for addrs in _server(api, name).get('addresses', {}).values():
        for addr in addrs:
            if addr.get('OS-EXT-IPS:type', 'fixed') == 'fixed':
                return addr['addr']
    raise LabAPIError(f'{name} has no fixed address')


def key_name(api, name):
    return _server(api, name).get('key_name') or ''


def wait(api, name, wanted, seconds):
    deadline = time.monotonic() + float(seconds)
    while True:
        server = api.server(name)
        state = server['status'] if server else 'ABSENT'
        if state == wanted:
            return state
        if state == 'ERROR':
            fault = (server.get('fault') or {}).get('message', 'no fault')
            raise LabAPIError(f'{name} is ERROR: {fault}')
        if time.monotonic() > deadline:
            raise LabAPIError(f'{name} is {state}, not {wanted}, after '
                              f'{seconds} s')
        time.sleep(POLL)


def delete(api, name, seconds):
    server = api.server(name)
    if server:
        api.call('DELETE', f'/servers/{server["id"]}', expect=(204, 404))
    return wait(api, name, 'ABSENT', seconds)


def server_id(api, name):
    server = api.server(name)
    if not server:
        raise LabAPIError(f'no server called {name}')
    return server['id']


def start(api, name):
    server = api.server(name)
    if not server:
        raise LabAPIError(f'no server called {name}')
    api.call('POST', f'/servers/{server["id"]}/action', expect=(202,),
             json={'os-start': None})
    return 'started'


def console(api, name, marker, seconds):
    deadline = time.monotonic() + float(seconds)
    server = api.server(name)
    if not server:
        raise LabAPIError(f'no server called {name}')
    while True:
        output = api.call('POST', f'/servers/{server["id"]}/action',
                          json={'os-getConsoleOutput': {'length': 50}}
                          ).json()['output']
        for line in output.splitlines():
            if marker in line:
                return line.strip()
        if time.monotonic() > deadline:
            raise LabAPIError(f'{marker!r} not on the console of {name} '
                              f'after {seconds} s')
        time.sleep(POLL)


def server_list(api):
    rows = [('ID', 'Name', 'Status', 'Networks', 'Host')]
    for server in api.call('GET', '/servers/detail').json()['servers']:
        nets = '; '.join(
            f'{label}={", ".join(a["addr"] for a in addrs)}'
            for label, addrs in sorted(server.get('addresses', {}).items()))
        rows.append((server['id'], server['name'], server['status'], nets,
                     server.get('OS-EXT-SRV-ATTR:host') or '-'))
    widths = [max(len(str(row[i])) for row in rows) for i in range(5)]
    rule = '+' + '+'.join('-' * (w + 2) for w in widths) + '+'
    lines = [rule]
    for index, row in enumerate(rows):
        lines.append('| ' + ' | '.join(str(v).ljust(w) for v, w
                                       in zip(row, widths, strict=True))
                     + ' |')
        if index == 0:
            lines.append(rule)
    lines.append(rule)
    return '\n'.join(lines)


COMMANDS = {
    'token': (lambda api: api.token, 0),
    'probe': (probe, 0),
    'status': (status, 1),
    'boot': (boot, 3),
    'boot_key': (boot, 4),
    'keypair': (keypair, 2),
    'address': (address, 1),
    'id': (server_id, 1),
    'key_name': (key_name, 1),
    'wait': (wait, 3),
    'delete': (delete, 2),
    'start': (start, 1),
    'console': (console, 3),
    'list': (server_list, 0),
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS \
            or len(argv) - 2 != COMMANDS[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    func, _ = COMMANDS[argv[1]]
    try:
        print(func(Compute(), *argv[2:]))
    except (LabAPIError, requests.RequestException) as exc:
        print(f'labapi {argv[1]}: {exc}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
