"""The metadata service: what a guest learns about itself over HTTP at
169.254.169.254, through the per-node proxy (``nova_lite.metadata.proxy``).

Served by ``nova-lite-metadata`` on ``[metadata] metadata_listen:
metadata_listen_port`` (8775), and by nova-lite-api too with ``[metadata]
serve_in_api`` (``mount_paths``). Paths (``nova_lite.metadata.content``):
``/openstack``, ``/openstack/<version>/{meta_data.json, user_data,
password, vendor_data.json, network_data.json, vendor_data2.json}``, the
EC2 tree ``/<version>/meta-data/...`` and ``/<version>/user-data``
(versions ``/`` lists).

Which instance asks is told by the proxy, never guessed from the caller
(as Nova's service behind Neutron's metadata proxy):

* ``X-Instance-ID`` (uuid), ``X-Tenant-ID`` (its project) and
  ``X-Instance-ID-Signature``, the hex HMAC-SHA256 of the instance id
  under ``[metadata] metadata_proxy_shared_secret``; or
* ``X-Forwarded-For`` (the guest's fixed IP), optionally
  ``X-Network-ID`` (the network's uuid), and ``X-Forwarded-For-Signature``,
  the HMAC of the address (``<address>,<network id>`` with a network).

No secret configured, a missing or wrong signature: 403. A signed
instance that does not exist or is not the tenant's, or a signed address
no instance holds: 404. ``admin_pass`` is in ``meta_data.json`` once:
the answer that carries it clears it. ``POST
/openstack/<version>/password`` (from 2013-04-04) stores the guest's
encrypted password once (409 after; more than ``[metadata]
max_password_bytes`` bytes: 400); GET returns it. Nothing here logs user
data, keys, passwords, signatures or the secret.
"""
import hashlib
import hmac

import flask
from oslo_config import cfg
from oslo_log import log as logging

import nova_lite.conf  # noqa: F401 - registers the options on cfg.CONF
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.metadata import content
from nova_lite.metadata import lookup

LOG = logging.getLogger(__name__)
CONF_KEY = 'NOVA_LITE_CONF'

#: Path prefixes nova-lite-api hands to this service with
#: ``[metadata] serve_in_api`` (the root listing stays the API's).
MOUNT_PREFIXES = ('/openstack',) + tuple(
    '/' + v for v in content.EC2_VERSIONS + (content.LATEST,))

bp = flask.Blueprint('metadata', __name__)


class MetadataError(Exception):
    """An answer other than 200: ``code`` and a short text."""

    def __init__(self, code, text):
        super().__init__(text)
        self.code = code
        self.text = text


def sign(secret, value):
    """The hex HMAC-SHA256 of ``value`` (text) under ``secret``, as the
    metadata proxy computes ``X-Instance-ID-Signature``."""
    return hmac.new(secret.encode('utf-8'), value.encode('utf-8'),
                    hashlib.sha256).hexdigest()


def _conf():
    return flask.current_app.config[CONF_KEY]


def _signed(value, signature):
    secret = _conf().metadata.metadata_proxy_shared_secret
    if not secret:
        raise MetadataError(403, 'The metadata service has no shared '
                                 'secret configured.')
    if not signature or not hmac.compare_digest(sign(secret, value),
                                                signature):
        raise MetadataError(403, 'Invalid proxy request signature.')


def _instance_uuid(context):
    """The uuid of the asking instance, from the proxy's signed headers.

    :raises: MetadataError 403 (unsigned, wrong signature), 404 (signed
        address nobody holds)
    """
    headers = flask.request.headers
    instance_id = headers.get('X-Instance-ID')
    if instance_id:
        _signed(instance_id, headers.get('X-Instance-ID-Signature'))
        return instance_id, headers.get('X-Tenant-ID')
    address = headers.get('X-Forwarded-For')
    if address:
        address = address.split(',')[0].strip()
        network = headers.get('X-Network-ID')
        _signed(address if not network else '%s,%s' % (address, network),
                headers.get('X-Forwarded-For-Signature'))
        uuid = lookup.instance_uuid_by_address(context, address, network)
        if uuid is None:
            raise MetadataError(404, 'No instance has this address.')
        return uuid, None
    raise MetadataError(403, 'The request was not signed by a metadata '
                             'proxy.')


def _guest(context):
    uuid, tenant = _instance_uuid(context)
    try:
        guest = lookup.guest_data(context, uuid)
    except exception.InstanceNotFound:
        raise MetadataError(404, 'No such instance.') from None
    if tenant and tenant != guest['project_id']:
        raise MetadataError(404, 'No such instance.')
    return guest


def _password_path(parts):
    return (len(parts) == 3 and parts[0] == 'openstack'
            and parts[2] == content.PASSWORD
            and (parts[1] == content.LATEST
                 or parts[1] in content.OPENSTACK_VERSIONS)
            and (parts[1] == content.LATEST
                 or parts[1] >= content.GRIZZLY))


def _password(context, guest):
    if flask.request.method == 'GET':
        return lookup.guest_password(context, guest['uuid']).encode('utf-8')
    limit = _conf().metadata.max_password_bytes
    data = flask.request.get_data(cache=False)
    if len(data) > limit:
        raise MetadataError(400, 'The password is longer than %d bytes.'
                            % limit)
    try:
        lookup.set_guest_password(context, guest['uuid'],
                                  data.decode('utf-8'))
    except UnicodeDecodeError:
        raise MetadataError(400, 'The password is not UTF-8 text.') \
            from None
    except exception.Conflict:
        raise MetadataError(409, 'The password was already set.') from None
    LOG.info('Instance %s posted its password', guest['uuid'])
    return b''


def _answer(context, guest, path):
    parts = [p for p in path.split('/') if p]
    if _password_path(parts):
        return _password(context, guest)
    if flask.request.method != 'GET':
        raise MetadataError(405, 'Only GET is allowed here.')
    if parts[-1:] == [content.MD_JSON] and guest.get('admin_pass'):
        guest = dict(guest, admin_pass=lookup.take_admin_pass(context,
                                                              guest))
        return content.lookup(guest, path, with_admin_pass=True)
    return content.lookup(guest, path)


def _mimetype(path):
    if path.endswith('.json'):
        return 'application/json'
    if path.rstrip('/').endswith(('user_data', 'user-data')):
        return 'application/octet-stream'
    return 'text/plain'


@bp.route('/', defaults={'path': ''}, methods=['GET'])
@bp.route('/<path:path>', methods=['GET', 'POST'])
def metadata(path):
    """The answer to a guest's metadata request (see the module doc)."""
    context = nl_context.get_admin_context()
    try:
        guest = _guest(context)
        body = _answer(context, guest, path)
    except MetadataError as exc:
        LOG.info('Metadata %s /%s: %d %s', flask.request.method, path,
                 exc.code, exc.text)
        return flask.Response(exc.text + '\n', status=exc.code,
                              mimetype='text/plain')
    except content.NotFound:
        return flask.Response('Not found.\n', status=404,
                              mimetype='text/plain')
    status = 204 if flask.request.method == 'POST' else 200
    return flask.Response(body, status=status, mimetype=_mimetype(path))


def create_app(conf=cfg.CONF):
    """The metadata service's WSGI app (a Flask app with ``bp``)."""
    app = flask.Flask('nova_lite.api.metadata')
    app.config[CONF_KEY] = conf
    app.register_blueprint(bp)
    return app


def mounts(conf=cfg.CONF):
    """``{prefix: app}`` for ``wsgi.build_app``'s PathDispatcher when
    ``[metadata] serve_in_api`` (else empty)."""
    if not conf.metadata.serve_in_api:
        return {}
    app = create_app(conf)
    return dict.fromkeys(MOUNT_PREFIXES, app)
