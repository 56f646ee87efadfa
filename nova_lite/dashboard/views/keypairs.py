"""Key pairs (``/keypairs``): the signed-in user's key pairs, and the
forms to create, import and delete one.

Calls the compute API with the user's token (compute API reference,
"Keypairs (keypairs)"): ``GET /os-keypairs`` for the list, ``POST
/os-keypairs`` ``{"keypair": {"name"}}`` to create a pair (the API
generates it and answers its ``private_key`` once: the page hands it
to the browser as a ``.pem`` download, never logged nor kept), the
same with a ``public_key`` to import one, and ``DELETE
/os-keypairs/{name}``. A key pair is its user's: the API's policy
(owner or admin) decides who may change it. An API refusal of a create
or an import shows the page again with the API's message next to the
form and the API's status code.
"""
import re
import urllib.parse

import flask

from nova_lite.dashboard import client

bp = flask.Blueprint('keypairs', __name__, url_prefix='/keypairs')

#: Characters kept in the download's file name (others become '_').
_UNSAFE_FILENAME = re.compile(r'[^A-Za-z0-9 ._@-]')


def _api():
    return flask.g.api


def keypair_rows():
    """The user's key pairs (name, type, fingerprint), by name."""
    body = _api().compute('GET', '/os-keypairs')
    rows = [item['keypair'] for item in body.get('keypairs', [])]
    return sorted(rows, key=lambda row: row.get('name') or '')


def _page(errors=None, form=None, status=200):
    return flask.render_template(
        'keypairs.html', rows=keypair_rows(), errors=errors or {},
        form=form or {}), status


def _refused(which, exc):
    """The page again with the API's message next to the ``which``
    form (create or import) and the API's status."""
    status = exc.status if 400 <= exc.status < 600 else 502
    return _page({which: '%s: %s' % (status, exc.message)},
                 {which: flask.request.form}, status)


def _download(name, private_key):
    """The generated private key as ``<name>.pem`` (an attachment the
    browser saves; no cache keeps it)."""
    filename = _UNSAFE_FILENAME.sub('_', name) or 'key'
    resp = flask.make_response(private_key)
    resp.headers['Content-Type'] = 'application/x-pem-file'
    resp.headers['Content-Disposition'] = \
        'attachment; filename="%s.pem"' % filename
    resp.headers['Cache-Control'] = 'no-store'
    return resp


@bp.route('')
def index():
    """The key pairs table and the create and import forms."""
    return _page()


@bp.route('/create', methods=['POST'])
def create():
    """Have the API generate a pair; its private key is the answer (a
    download). A refusal shows the page with the API's message."""
    name = flask.request.form.get('name', '')
    try:
        body = _api().compute('POST', '/os-keypairs',
                              {'keypair': {'name': name}})
    except client.APIError as exc:
        return _refused('create', exc)
    private_key = ((body or {}).get('keypair') or {}).get('private_key')
    if not private_key:
        return flask.redirect(flask.url_for('keypairs.index'), 303)
    return _download(body['keypair'].get('name') or name, private_key)


@bp.route('/import', methods=['POST'], endpoint='import')
def import_():
    """Import a public key under a name, then back to the list."""
    form = flask.request.form
    keypair = {'name': form.get('name', ''),
               'public_key': form.get('public_key', '').strip()}
    try:
        _api().compute('POST', '/os-keypairs', {'keypair': keypair})
    except client.APIError as exc:
        return _refused('import', exc)
    return flask.redirect(flask.url_for('keypairs.index'), 303)


@bp.route('/<path:name>/delete', methods=['POST'])
def delete(name):
    """Delete the pair ``name``, then back to the list (a refusal is
    the error page with the API's status)."""
    _api().compute('DELETE', '/os-keypairs/%s' % urllib.parse.quote(
        name, safe=''))
    return flask.redirect(flask.url_for('keypairs.index'), 303)
