"""Keystone behind the CloudStack API: secrets, roles and passwords.

nova_lite keeps no CloudStack accounts of its own. Every caller is a
Keystone user acting in a Keystone project (the CloudStack "account"):

* API key pairs: the secret key is stored in Keystone's credential store
  (``POST /v3/credentials`` with type ``[cloudstack] credential_type`` and
  blob ``{"access": api_key, "secret": secret_key}``); the ``api_keys``
  table maps the API key to the credential, user and project.
* Roles come from ``GET /v3/role_assignments?effective&include_names``
  for the user on the project.
* ``login`` checks the password with ``POST /v3/auth/tokens``.

Requests use keystoneauth with the service user configured in the
``[cloudstack] keystone_section`` section (Identity API v3 reference:
https://docs.openstack.org/api-ref/identity/v3/). Secrets and role
lists are cached for ``[cloudstack] credential_cache_time`` seconds. No
secret or password is ever logged.
"""
import collections
import dataclasses
import json
import secrets
import threading
import time
from urllib import parse as urlparse

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1.identity import v3
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import session as ks_session
from oslo_log import log as logging

from nova_lite.api.cloudstack import errors

LOG = logging.getLogger(__name__)


@dataclasses.dataclass
class Identity:
    """Who calls: a Keystone user in a project, with the user's roles on
    it. ``expires_at`` (epoch seconds) is set for login sessions."""
    user_id: str
    user_name: str
    project_id: str
    project_name: str
    domain_id: str
    domain_name: str
    roles: list
    expires_at: float = None


class TTLCache:
    """A small thread-safe cache: ``size`` entries, each kept ``ttl``
    seconds; the oldest entry goes first when full."""

    def __init__(self, size, ttl):
        self.size = size
        self.ttl = ttl
        self._data = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            item = self._data.get(key)
            if item is None or item[0] < time.monotonic():
                self._data.pop(key, None)
                return None
            return item[1]

    def put(self, key, value):
        if self.ttl <= 0:
            return
        with self._lock:
            self._data[key] = (time.monotonic() + self.ttl, value)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self):
        with self._lock:
            self._data.clear()


def new_key_pair():
    """``(api_key, secret_key)``: 86 URL-safe characters each, as long
    as CloudStack's keys."""
    return secrets.token_urlsafe(64), secrets.token_urlsafe(64)


class KeystoneClient:
    """Identity v3 calls made with the configured service user.

    :param conf: ConfigOpts with ``[cloudstack]`` and the keystoneauth
        options of ``[cloudstack] keystone_section``
    """

    def __init__(self, conf):
        self.conf = conf
        self._session = None
        self._auth_url = None
        self._lock = threading.Lock()
        self.cache = TTLCache(conf.cloudstack.credential_cache_size,
                              conf.cloudstack.credential_cache_time)

    # -------------------------------------------------------------- plumbing

    def _service_session(self):
        with self._lock:
            if self._session is None:
                section = self.conf.cloudstack.keystone_section
                ks_loading.register_auth_conf_options(self.conf, section)
                auth = ks_loading.load_auth_from_conf_options(self.conf,
                                                              section)
                if auth is None:
                    raise errors.CloudStackError(
                        'The CloudStack API has no Keystone service user: '
                        'set auth_type and its options in [%s].' % section)
                group = self.conf[self.conf[section].auth_section or section]
                self._auth_url = group.auth_url
                self._session = ks_session.Session(
                    auth=auth, timeout=self.conf.cloudstack.keystone_timeout,
                    verify=self._verify(section))
            return self._session

    def _verify(self, section):
        group = self.conf[section]
        if getattr(group, 'insecure', False):
            return False
        return getattr(group, 'cafile', None) or True

    def _call(self, method, path, ok=(200,), **kwargs):
        """JSON body (or None) of ``method path`` on the identity API;
        None for a 404 unless 404 is in ``ok``.

        :raises: CloudStackError (530) when Keystone cannot be reached or
            answers an error
        """
        session = self._service_session()
        try:
            resp = session.request(
                path, method, raise_exc=False,
                endpoint_filter={
                    'service_type': 'identity',
                    'interface': self.conf.cloudstack.identity_interface},
                **kwargs)
        except ks_exc.ClientException as exc:
            LOG.error('Keystone %s %s failed: %s', method,
                      path.split('?')[0], type(exc).__name__)
            raise errors.CloudStackError(
                'The identity service is unavailable; retry later.') from None
        if resp.status_code == 404 and 404 not in ok:
            return None
        if resp.status_code not in ok:
            LOG.error('Keystone %s %s answered %s', method,
                      path.split('?')[0], resp.status_code)
            raise errors.CloudStackError(
                'The identity service refused a request (HTTP %d).'
                % resp.status_code)
        return resp.json() if resp.content else None

    # ------------------------------------------------------------- lookups

    def _enabled(self, collection, item_id):
        item = self._call('GET', '/%ss/%s' % (collection, item_id))
        item = (item or {}).get(collection)
        return item if item and item.get('enabled', True) else None

    def project_roles(self, user_id, project_id):
        """Names of the user's effective roles on the project (group and
        implied roles included)."""
        body = self._call('GET', '/role_assignments', params={
            'user.id': user_id, 'scope.project.id': project_id,
            'effective': '', 'include_names': ''})
        return sorted({a['role']['name'] for a in
                       (body or {}).get('role_assignments', [])})

    def identity(self, user_id, project_id):
        """Identity of an enabled user with roles on an enabled project.

        :raises: Unauthorized (401) otherwise
        """
        user = self._enabled('user', user_id)
        project = self._enabled('project', project_id)
        roles = self.project_roles(user_id, project_id) if (
            user and project) else []
        if not roles:
            LOG.info('User %s has no access to project %s', user_id,
                     project_id)
            raise errors.Unauthorized()
        domain = self._call('GET', '/domains/%s' % user['domain_id']) or {}
        return Identity(user_id, user['name'], project_id, project['name'],
                        user['domain_id'],
                        domain.get('domain', {}).get('name', ''), roles)

    def api_key_identity(self, key_row):
        """``(secret_key, Identity)`` of an ``api_keys`` row, cached.

        :raises: Unauthorized (401) when the credential is gone or does
            not belong to the key's user, or the user lost access
        """
        cached = self.cache.get(key_row['api_key'])
        if cached is not None:
            return cached
        body = self._call('GET', '/credentials/%s' % key_row['credential_id'])
        cred = (body or {}).get('credential') or {}
        try:
            blob = json.loads(cred.get('blob') or '{}')
        except ValueError:
            blob = {}
        if (cred.get('user_id') != key_row['user_id']
                or blob.get('access') != key_row['api_key']
                or not blob.get('secret')):
            LOG.info('Credential of API key of user %s is missing or does '
                     'not match', key_row['user_id'])
            raise errors.Unauthorized()
        result = (blob['secret'], self.identity(key_row['user_id'],
                                                key_row['project_id']))
        self.cache.put(key_row['api_key'], result)
        return result

    def find(self, collection, name_or_id, domain='Default'):
        """The id of a user or project given by id or by name in the
        domain named (or with id) ``domain``.

        :raises: InvalidParameter (431) when there is none
        """
        item = self._call('GET', '/%ss/%s' % (
            collection, urlparse.quote(name_or_id, safe='')))
        if item:
            return item[collection]['id']
        domains = self._call('GET', '/domains', params={'name': domain})
        domain_ids = [d['id'] for d in (domains or {}).get('domains', [])]
        found = self._call('GET', '/%ss' % collection, params={
            'name': name_or_id,
            'domain_id': domain_ids[0] if domain_ids else domain}) or {}
        items = found.get(collection + 's', [])
        if len(items) != 1:
            raise errors.InvalidParameter('%s %s not found in domain %s'
                                          % (collection, name_or_id, domain))
        return items[0]['id']

    def project(self, project_id):
        """``{"id", "name", "domain_id", "domain_name"}`` of a project.

        :raises: InvalidParameter (431) when there is none
        """
        item = (self._call('GET', '/projects/%s' % urlparse.quote(
            project_id, safe='')) or {}).get('project')
        if not item:
            raise errors.InvalidParameter('project %s not found'
                                          % project_id)
        domain = self._call('GET', '/domains/%s' % item['domain_id']) or {}
        return {'id': item['id'], 'name': item['name'],
                'domain_id': item['domain_id'],
                'domain_name': domain.get('domain', {}).get('name', '')}

    # ------------------------------------------------- read-only listings

    def list_projects(self):
        """Every project: ``[{"id", "name", "domain_id", "enabled",
        "description"}]`` (``GET /v3/projects``; domains acting as
        projects left out)."""
        body = self._call('GET', '/projects') or {}
        return [p for p in body.get('projects', [])
                if not p.get('is_domain')]

    def list_domains(self):
        """Every domain: ``[{"id", "name", "enabled", "description"}]``
        (``GET /v3/domains``)."""
        return (self._call('GET', '/domains') or {}).get('domains', [])

    def list_users(self):
        """Every user: ``[{"id", "name", "domain_id", "enabled",
        "email"?}]`` (``GET /v3/users``)."""
        return (self._call('GET', '/users') or {}).get('users', [])

    def project_members(self, project_id=None):
        """The user role assignments on projects (of ``project_id`` only
        when given), effective (group and implied roles expanded):
        ``[{"user_id", "user_name", "project_id", "project_name",
        "role"}]`` (``GET /v3/role_assignments?effective&include_names``).
        """
        params = {'include_names': '', 'effective': ''}
        if project_id:
            params['scope.project.id'] = project_id
        body = self._call('GET', '/role_assignments', params=params) or {}
        return [{'user_id': a['user']['id'],
                 'user_name': a['user'].get('name', a['user']['id']),
                 'project_id': a['scope']['project']['id'],
                 'project_name': a['scope']['project'].get('name', ''),
                 'role': a['role'].get('name', '')}
                for a in body.get('role_assignments', [])
                if 'user' in a and 'project' in a.get('scope', {})]

    # --------------------------------------------------------- credentials

    def create_key_pair(self, user_id, project_id):
        """Store a new key pair as a Keystone credential.

        :returns: ``(api_key, secret_key, credential_id)``
        """
        api_key, secret_key = new_key_pair()
        body = self._call('POST', '/credentials', ok=(201,), json={
            'credential': {
                'type': self.conf.cloudstack.credential_type,
                'user_id': user_id, 'project_id': project_id,
                'blob': json.dumps({'access': api_key,
                                    'secret': secret_key})}})
        return api_key, secret_key, body['credential']['id']

    def delete_credential(self, credential_id):
        """Delete a credential; a missing one is fine."""
        self._call('DELETE', '/credentials/%s' % credential_id,
                   ok=(204, 404))

    # ---------------------------------------------------------- passwords

    def password_login(self, username, password, domain_name=None,
                       domain_id=None):
        """Identity of a user logging in with a password: scoped to the
        user's default project, else to the only project the user has a
        role on.

        :raises: Unauthorized (401) for bad credentials or no project
        """
        self._service_session()
        kwargs = {'user_domain_id': domain_id} if domain_id else {
            'user_domain_name': domain_name or 'Default'}
        plugin = v3.Password(auth_url=self._auth_url, username=username,
                             password=password, **kwargs)
        session = ks_session.Session(
            timeout=self.conf.cloudstack.keystone_timeout,
            verify=self._verify(self.conf.cloudstack.keystone_section))
        try:
            access = plugin.get_access(session)
            if not access.project_id:
                access = self._rescope(session, access)
        except ks_exc.Unauthorized:
            raise errors.Unauthorized(
                'Failed to authenticate user %s in domain %s; please '
                'provide valid credentials' % (
                    username, domain_id or domain_name or '/')) from None
        except ks_exc.ClientException as exc:
            LOG.error('Keystone login failed: %s', type(exc).__name__)
            raise errors.CloudStackError(
                'The identity service is unavailable; retry later.') from None
        return Identity(access.user_id, access.username, access.project_id,
                        access.project_name, access.user_domain_id,
                        access.user_domain_name, list(access.role_names),
                        expires_at=access.expires.timestamp())

    def _rescope(self, session, access):
        resp = session.get(self._auth_url.rstrip('/') + '/auth/projects',
                           headers={'X-Auth-Token': access.auth_token},
                           raise_exc=False)
        projects = resp.json().get('projects', []) if resp.ok else []
        if len(projects) != 1:
            raise errors.Unauthorized(
                'User %s has no default project and %d projects; set a '
                'default project in Keystone' % (access.username,
                                                 len(projects)))
        return v3.Token(auth_url=self._auth_url, token=access.auth_token,
                        project_id=projects[0]['id']).get_access(session)


_CLIENT = None
_CLIENT_LOCK = threading.Lock()


def get_client(conf):
    """The process's KeystoneClient for ``conf``."""
    global _CLIENT
    with _CLIENT_LOCK:
        if _CLIENT is None or _CLIENT.conf is not conf:
            _CLIENT = KeystoneClient(conf)
        return _CLIENT
