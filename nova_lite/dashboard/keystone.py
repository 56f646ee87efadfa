"""Signing in and out with Keystone (Identity API v3 reference,
``POST /v3/auth/tokens`` and ``DELETE /v3/auth/tokens``:
https://docs.openstack.org/api-ref/identity/v3/).

``sign_in`` asks for a project-scoped token with the user's password and
returns a ``Login``: the token, its expiry, the identity, the role names
and the catalog URLs of the services the dashboard calls. ``sign_out``
revokes the token. Passwords and tokens are never logged.
"""
import dataclasses

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
from oslo_log import log as logging

LOG = logging.getLogger(__name__)

#: Catalog service types the dashboard calls, by the name it uses.
SERVICES = {'compute': ('compute',), 'image': ('image',),
            'volume': ('block-storage', 'volumev3')}


class SignInFailed(Exception):
    """The user name, password or project was refused (shown as is)."""


class IdentityUnavailable(Exception):
    """Keystone could not be reached or answered with an error."""


@dataclasses.dataclass
class Login:
    """A successful sign-in. ``expires_at``: epoch seconds;
    ``endpoints``: name (compute, image, volume) → URL."""
    token: str
    expires_at: float
    user_id: str
    user_name: str
    project_id: str
    project_name: str
    roles: list
    endpoints: dict


def _endpoints(access, interface, region):
    catalog = access.service_catalog
    found = {}
    for name, types in SERVICES.items():
        for service_type in types:
            try:
                url = catalog.url_for(service_type=service_type,
                                      interface=interface,
                                      region_name=region)
            except ks_exc.EndpointNotFound:
                continue
            found[name] = url.rstrip('/')
            break
    return found


def sign_in(conf, username, password, project_name):
    """A project-scoped token for ``username`` in ``project_name``.

    :param conf: the ``[dashboard]`` options plus ``auth_url``
    :returns: a ``Login``
    :raises SignInFailed: wrong user, password or project (401/403/404)
    :raises IdentityUnavailable: Keystone down or failing
    """
    auth = v3.Password(
        auth_url=conf.auth_url, username=username, password=password,
        user_domain_name=conf.user_domain_name, project_name=project_name,
        project_domain_name=conf.project_domain_name)
    session = ks_session.Session(auth=auth, timeout=conf.request_timeout)
    try:
        access = auth.get_access(session)
    except (ks_exc.Unauthorized, ks_exc.Forbidden, ks_exc.NotFound):
        raise SignInFailed('The user name, password or project is not '
                           'right.') from None
    except ks_exc.ClientException as exc:
        LOG.warning('Sign-in of %s: Keystone failed: %s', username,
                    type(exc).__name__)
        raise IdentityUnavailable(
            'The identity service is not available.') from None
    if access.project_id is None:
        raise SignInFailed('The user has no role on that project.')
    return Login(
        token=access.auth_token, expires_at=access.expires.timestamp(),
        user_id=access.user_id, user_name=access.username,
        project_id=access.project_id, project_name=access.project_name,
        roles=list(access.role_names),
        endpoints=_endpoints(access, conf.interface, conf.region_name))


def sign_out(conf, token):
    """Revoke ``token`` (a user may revoke its own token). Keystone's
    failure is logged, not raised: the session ends anyway."""
    session = ks_session.Session(timeout=conf.request_timeout)
    try:
        session.delete(conf.auth_url.rstrip('/') + '/auth/tokens',
                       headers={'X-Auth-Token': token,
                                'X-Subject-Token': token},
                       authenticated=False)
    except ks_exc.ClientException as exc:
        LOG.warning('Token revocation at sign-out failed: %s',
                    type(exc).__name__)
