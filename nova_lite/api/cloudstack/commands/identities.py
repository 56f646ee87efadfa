"""Accounts, domains and users (CloudStack API reference, "Account",
"Domain", "User"): listAccounts, listDomains and listUsers, read-only
views of Keystone (``nova_lite.api.cloudstack.keystone``, the service
user of ``[cloudstack] keystone_section``). nova_lite keeps no accounts
of its own: they are created and changed in Keystone.

* An account is a Keystone project (``id`` the project id, ``name`` its
  name); its ``accounttype`` is 1 (root admin, ``roletype`` Admin) when
  a user has the ``admin`` role on it, else 0 (User); ``user`` lists
  the users with a role on it.
* A domain is a Keystone domain: ``Default`` is CloudStack's ROOT
  (``path`` ROOT, ``level`` 0), another one ``ROOT/<name>`` (level 1,
  child of ROOT).
* A user is a Keystone user in an account: one entry per project the
  user has a role on (a user without one is listed with no account).

Admins list everything (the command table's READER role and
``context_is_admin`` for the others' entries); other callers see their
own account, its users and their own domain. ``state`` is enabled or
disabled as in Keystone. Role assignments are the effective ones
(group and implied roles included).
"""
from nova_lite.api.cloudstack import keystone
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack import request as request_mod

ROOT_DOMAIN = 'Default'
ACCOUNT_USER, ACCOUNT_ADMIN = 0, 1


def _state(item):
    return 'enabled' if item.get('enabled', True) else 'disabled'


def _domain_view(domain, root_id):
    root = domain['name'] == ROOT_DOMAIN
    body = {'id': domain['id'], 'name': domain['name'],
            'path': 'ROOT' if root else 'ROOT/%s' % domain['name'],
            'level': 0 if root else 1, 'haschild': root,
            'state': _state(domain)}
    if not root and root_id:
        body.update(parentdomainid=root_id, parentdomainname=ROOT_DOMAIN)
    return body


def _root_id(domains):
    return next((d['id'] for d in domains if d['name'] == ROOT_DOMAIN),
                None)


def _filtered(request, items, name_key, **fields):
    """Items whose fields equal the non-empty parameters, whose
    ``name_key`` holds ``keyword``; a page of them and the total."""
    keyword = (request.params['keyword'] or '').lower()
    items = [i for i in items if keyword in str(i[name_key]).lower()
             and all(request.params[p] in (None, '') or
                     str(i.get(f)).lower() == str(request.params[p]).lower()
                     for p, f in fields.items())]
    return request_mod.paginate(request, items)


def _everything(request):
    """Whether the caller lists every account (an admin)."""
    return request.context.is_admin


@command('listDomains', response_object='domain', listing=True, params=(
    P.Parameter('id', description='the domain ID'),
    P.Parameter('name', description='the domain name'),
    P.Parameter('level', P.INTEGER, 'the domain level (0 ROOT)'),
    P.Parameter('listall', P.BOOLEAN, 'accepted: admins see every '
                'domain'),
))
def list_domains(request):
    """Lists domains (Keystone domains)."""
    ident = request.identity
    if _everything(request):
        domains = keystone.get_client(request.conf).list_domains()
    else:
        domains = [{'id': ident.domain_id, 'name': ident.domain_name}]
    root_id = _root_id(domains)
    views = [_domain_view(d, root_id) for d in domains]
    page, total = _filtered(request, views, 'name', id='id', name='name',
                            level='level')
    return request_mod.listing(page, 'domain', total)


def _members(request):
    """The effective user role assignments the caller may see."""
    client = keystone.get_client(request.conf)
    if _everything(request):
        return client.project_members()
    return client.project_members(request.identity.project_id)


def _account_types(members):
    """{project id: account type} from the role assignments."""
    types = {}
    for member in members:
        admin = member['role'].lower() == 'admin'
        types[member['project_id']] = max(
            types.get(member['project_id'], ACCOUNT_USER),
            ACCOUNT_ADMIN if admin else ACCOUNT_USER)
    return types


def _user_view(user, account, domain, account_type):
    return {'id': user['id'], 'username': user['name'],
            'firstname': user['name'], 'lastname': '',
            'email': user.get('email'), 'state': _state(user),
            'account': account.get('name', ''),
            'accountid': account.get('id'), 'accounttype': account_type,
            'roletype': 'Admin' if account_type else 'User',
            'domainid': domain.get('id'), 'domain': domain.get('name'),
            'usersource': 'native'}


def _directory(request):
    """(projects by id, domains by id, users by id) the caller may
    see."""
    ident = request.identity
    if _everything(request):
        client = keystone.get_client(request.conf)
        return ({p['id']: p for p in client.list_projects()},
                {d['id']: d for d in client.list_domains()},
                {u['id']: u for u in client.list_users()})
    project = {'id': ident.project_id, 'name': ident.project_name,
               'domain_id': ident.domain_id}
    domain = {'id': ident.domain_id, 'name': ident.domain_name}
    return {project['id']: project}, {domain['id']: domain}, {}


def _users(projects, domains, users, members):
    """User views: one per (user, project) assignment, then the users
    without any (admins only)."""
    types = _account_types(members)
    seen, views = set(), []
    for member in members:
        key = (member['user_id'], member['project_id'])
        project = projects.get(member['project_id'])
        if key in seen or project is None:
            continue
        seen.add(key)
        user = users.get(member['user_id'], {
            'id': member['user_id'], 'name': member['user_name']})
        views.append(_user_view(user, project, domains.get(
            project.get('domain_id'), {}), types.get(project['id'], 0)))
    placed = {user_id for user_id, _p in seen}
    views += [_user_view(u, {}, domains.get(u.get('domain_id'), {}), 0)
              for u in users.values() if u['id'] not in placed]
    return views


def _account_view(project, domain, account_type, users):
    return {'id': project['id'], 'name': project['name'],
            'accounttype': account_type,
            'roletype': 'Admin' if account_type else 'User',
            'domainid': domain.get('id'), 'domain': domain.get('name'),
            'state': _state(project), 'isdefault': False,
            'user': [u for u in users if u['accountid'] == project['id']]}


@command('listAccounts', response_object='account', listing=True, params=(
    P.Parameter('id', description='the account ID (a project id)'),
    P.Parameter('name', description='the account name (a project name)'),
    P.Parameter('domainid', description='accounts of this domain'),
    P.Parameter('accounttype', P.INTEGER, '0 user, 1 admin'),
    P.Parameter('state', description='enabled or disabled'),
    P.Parameter('listall', P.BOOLEAN, 'accepted: admins see every '
                'account'),
    P.Parameter('isrecursive', P.BOOLEAN, 'accepted (one level of '
                'domains)'),
))
def list_accounts(request):
    """Lists accounts (Keystone projects) with their users."""
    projects, domains, users = _directory(request)
    members = _members(request)
    types = _account_types(members)
    user_views = _users(projects, domains, users, members)
    views = [_account_view(p, domains.get(p.get('domain_id'), {}),
                           types.get(p['id'], ACCOUNT_USER), user_views)
             for p in projects.values()]
    views.sort(key=lambda a: a['name'])
    page, total = _filtered(request, views, 'name', id='id', name='name',
                            domainid='domainid', accounttype='accounttype',
                            state='state')
    return request_mod.listing(page, 'account', total)


@command('listUsers', response_object='user', listing=True, params=(
    P.Parameter('id', description='the user ID'),
    P.Parameter('username', description='the user name'),
    P.Parameter('account', description='users of this account (a project '
                'name)'),
    P.Parameter('domainid', description='users of this domain'),
    P.Parameter('accounttype', P.INTEGER, '0 user, 1 admin'),
    P.Parameter('state', description='enabled or disabled'),
    P.Parameter('listall', P.BOOLEAN, 'accepted: admins see every user'),
))
def list_users(request):
    """Lists users (Keystone users) per account."""
    projects, domains, users = _directory(request)
    views = _users(projects, domains, users, _members(request))
    views.sort(key=lambda u: (u['username'], u['account']))
    page, total = _filtered(request, views, 'username', id='id',
                            username='username', account='account',
                            domainid='domainid', accounttype='accounttype',
                            state='state')
    return request_mod.listing(page, 'user', total)
