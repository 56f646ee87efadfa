"""``/v2.1/os-keypairs``: create or import, list, show and delete the
caller's key pairs (compute API reference, "Keypairs (keypairs)").

* 2.1: SSH pairs; create and import answer 200, delete 202.
* 2.2: a ``type`` (``ssh`` or ``x509``) in the create body and in every
  response; create answers 201, delete 204.
* 2.10: admins name another user: ``user_id`` in the create body, the
  ``user_id`` query parameter of list, show and delete (others get 403
  for a user_id not theirs).
* 2.35: the list is paged by ``limit`` (at most ``[api] max_limit``) and
  ``marker`` (the name of the last pair of the previous page; unknown:
  400), by name, with ``keypairs_links`` when a page is full.

* 2.92: ``public_key`` is required (no generated pairs: 400 without
  it) and names may hold '@' and '.' too.

A generated pair's ``private_key`` is in the create response only.
"""
import flask

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import keypairs as views
from nova_lite.compute import keypairs as keypair_api
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import keypairs as keypair_policies

bp = flask.Blueprint('keypairs', __name__, url_prefix='/v2.1/os-keypairs')
KEYPAIRS = keypair_policies.KEYPAIRS


def _authorized_context(action, user_id=None):
    """(context, owner user id): ``user_id`` (2.10) or the caller's,
    checked against the policy as the target's owner."""
    context = openstack.context()
    if user_id is None and microversion.at_least('2.10'):
        user_id = flask.request.args.get('user_id') or None
    user_id = user_id or context.user_id
    policy.authorize(context, KEYPAIRS % action,
                     {'user_id': user_id,
                      'project_id': context.project_id})
    return context, user_id


@bp.get('')
def index():
    """200 ``{"keypairs": [{"keypair": {name, public_key, fingerprint,
    type (2.2)}}]}``, paged from 2.35 (``keypairs_links``)."""
    context, user_id = _authorized_context('index')
    keypairs = keypair_api.get_all(context, user_id=user_id)
    if not microversion.at_least('2.35'):
        return {'keypairs': [{'keypair': views.summary(k)}
                             for k in keypairs]}
    limit, marker = openstack.limit_and_marker()
    if marker is not None:
        names = [k['name'] for k in keypairs]
        if marker not in names:
            raise exception.ValidationError(
                attribute='marker', reason='marker [%s] not found'
                % marker[:64])
        keypairs = keypairs[names.index(marker) + 1:]
    page = [views.summary(k) for k in keypairs[:limit]]
    body = {'keypairs': [{'keypair': k} for k in page]}
    links = openstack.collection_links('os-keypairs', page, limit,
                                       id_key='name')
    if links:
        body['keypairs_links'] = links
    return body


@bp.post('')
def create():
    """200 (201 from 2.2) ``{"keypair": {...}}``; 400 bad public key,
    403 over quota or another user's without admin, 409 name taken."""
    body = openstack.body()['keypair']
    context, user_id = _authorized_context('create', body.get('user_id'))
    keypair, private_key = keypair_api.create(
        context, body['name'], body.get('public_key'),
        key_type=body.get('type', 'ssh'), user_id=user_id,
        name_pattern=(keypair_api.NAME_PATTERN_2_92
                      if microversion.at_least('2.92')
                      else keypair_api.NAME_PATTERN))
    response = {'keypair': views.created(keypair, private_key)}
    if microversion.at_least('2.2'):
        return response, 201
    return response


@bp.get('/<keypair_name>')
def show(keypair_name):
    """200 ``{"keypair": <detail>}``; 404 for unknown names."""
    context, user_id = _authorized_context('show')
    return {'keypair': views.detail(keypair_api.get(context, keypair_name,
                                                    user_id))}


@bp.delete('/<keypair_name>')
def delete(keypair_name):
    """202 (204 from 2.2); 404 for unknown names."""
    context, user_id = _authorized_context('delete')
    keypair_api.delete(context, keypair_name, user_id)
    if microversion.at_least('2.2'):
        return '', 204
    return '', 202
