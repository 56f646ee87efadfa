"""``/v2.1/os-keypairs``: create or import, list, show and delete the
caller's SSH key pairs (compute API reference, "Keypairs (keypairs)",
microversion 2.1).

Create and import answer 200, delete 202 (201 and 204 came with 2.2).
A generated pair's ``private_key`` is in the create response only.
"""
import flask

from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import keypairs as views
from nova_lite.compute import keypairs as keypair_api
from nova_lite import policy
from nova_lite.policies import keypairs as keypair_policies

bp = flask.Blueprint('keypairs', __name__, url_prefix='/v2.1/os-keypairs')
KEYPAIRS = keypair_policies.KEYPAIRS


def _authorized_context(action):
    context = openstack.context()
    policy.authorize(context, KEYPAIRS % action,
                     {'user_id': context.user_id,
                      'project_id': context.project_id})
    return context


@bp.get('')
def index():
    """200 ``{"keypairs": [{"keypair": {name, public_key,
    fingerprint}}]}``."""
    context = _authorized_context('index')
    return {'keypairs': [{'keypair': views.summary(k)}
                         for k in keypair_api.get_all(context)]}


@bp.post('')
def create():
    """200 ``{"keypair": {...}}``; 400 bad public key, 403 over quota,
    409 name taken."""
    context = _authorized_context('create')
    body = openstack.body()['keypair']
    keypair, private_key = keypair_api.create(context, body['name'],
                                              body.get('public_key'))
    return {'keypair': views.created(keypair, private_key)}


@bp.get('/<keypair_name>')
def show(keypair_name):
    """200 ``{"keypair": <detail>}``; 404 for unknown names."""
    context = _authorized_context('show')
    return {'keypair': views.detail(keypair_api.get(context, keypair_name))}


@bp.delete('/<keypair_name>')
def delete(keypair_name):
    """202; 404 for unknown names."""
    context = _authorized_context('delete')
    keypair_api.delete(context, keypair_name)
    return '', 202
