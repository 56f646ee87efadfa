"""The per-node metadata proxy: guests' requests to 169.254.169.254 in,
signed requests to the metadata service (``[metadata] metadata_url``)
out, as Neutron's metadata proxy does for Nova.

It runs where the guests' traffic to 169.254.169.254:80 arrives (in the
guest network's namespace on each compute node; that wiring belongs to
the networking setup). The guest is named from the request's source
address, never from anything the guest sends:

* when the proxy knows the instance of the address (``mapping``: source
  IP → (instance uuid, project id), e.g. told by the compute at build),
  it adds ``X-Instance-ID``, ``X-Tenant-ID`` and
  ``X-Instance-ID-Signature`` (hex HMAC-SHA256 of the instance id under
  ``[metadata] metadata_proxy_shared_secret``);
* otherwise it adds ``X-Forwarded-For`` (the source address),
  ``X-Network-ID`` (its network's uuid, when configured) and
  ``X-Forwarded-For-Signature`` (HMAC of ``<address>`` or
  ``<address>,<network id>``), and the service looks the address up.

Headers of the same names sent by the guest are dropped first. The
shared secret and the guest's data are never logged.
"""
import hashlib
import hmac
import http.client
from urllib import parse as urlparse

#: Headers only the proxy may set (a guest's copies are removed).
SIGNED_HEADERS = ('X-Instance-ID', 'X-Tenant-ID', 'X-Instance-ID-Signature',
                  'X-Forwarded-For', 'X-Network-ID',
                  'X-Forwarded-For-Signature')
#: Largest request body forwarded (the password POST is ≤ 256 bytes).
MAX_BODY = 65536
#: Seconds the proxy waits for the metadata service.
TIMEOUT = 10


def sign(secret, value):
    """Hex HMAC-SHA256 of ``value`` (text) under ``secret`` (text)."""
    return hmac.new(secret.encode('utf-8'), value.encode('utf-8'),
                    hashlib.sha256).hexdigest()


def signed_headers(secret, address, mapping=None, network_id=None):
    """The headers identifying the guest at ``address`` (see the module
    doc): by instance when ``mapping`` knows the address, else by
    address.

    :raises: ValueError when ``secret`` is empty (the service would
        refuse everything)
    """
    if not secret:
        raise ValueError('the metadata proxy needs [metadata] '
                         'metadata_proxy_shared_secret')
    known = (mapping or {}).get(address)
    if known is not None:
        instance_id, tenant_id = known
        return {'X-Instance-ID': instance_id,
                'X-Tenant-ID': tenant_id or '',
                'X-Instance-ID-Signature': sign(secret, instance_id)}
    headers = {'X-Forwarded-For': address}
    signed = address
    if network_id:
        headers['X-Network-ID'] = network_id
        signed = '%s,%s' % (address, network_id)
    headers['X-Forwarded-For-Signature'] = sign(secret, signed)
    return headers


class MetadataProxy:
    """WSGI app forwarding to ``metadata_url`` with signed headers.

    :param mapping: dict source address → (instance uuid, project id),
        updatable while serving (``set_instance``/``forget``)
    :param network_id: uuid of the network the proxy serves, sent with
        address lookups
    """

    def __init__(self, metadata_url, secret, mapping=None, network_id=None):
        if not secret:
            raise ValueError('the metadata proxy needs [metadata] '
                             'metadata_proxy_shared_secret')
        url = urlparse.urlsplit(metadata_url)
        self._host, self._port = url.hostname, url.port or 80
        self._secret = secret
        self._mapping = dict(mapping or {})
        self._network_id = network_id

    def set_instance(self, address, instance_uuid, project_id):
        """The guest at ``address`` is ``instance_uuid`` of
        ``project_id``."""
        self._mapping[address] = (instance_uuid, project_id)

    def forget(self, address):
        """No instance is known at ``address`` any more."""
        self._mapping.pop(address, None)

    def _headers(self, environ):
        headers = {}
        for key, value in environ.items():
            if key.startswith('HTTP_'):
                name = key[5:].replace('_', '-').title()
                if name.lower() not in {h.lower() for h in SIGNED_HEADERS}:
                    headers[name] = value
        if environ.get('CONTENT_TYPE'):
            headers['Content-Type'] = environ['CONTENT_TYPE']
        headers.pop('Host', None)
        headers.update(signed_headers(
            self._secret, environ.get('REMOTE_ADDR', ''), self._mapping,
            self._network_id))
        return headers

    def __call__(self, environ, start_response):
        try:
            length = int(environ.get('CONTENT_LENGTH') or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            start_response('400 Bad Request',
                           [('Content-Type', 'text/plain')])
            return [b'Bad request body.\n']
        body = environ['wsgi.input'].read(length) if length else None
        path = environ.get('PATH_INFO', '/')
        if environ.get('QUERY_STRING'):
            path += '?' + environ['QUERY_STRING']
        conn = http.client.HTTPConnection(self._host, self._port,
                                          timeout=TIMEOUT)
        try:
            conn.request(environ['REQUEST_METHOD'], path, body=body,
                         headers=self._headers(environ))
            resp = conn.getresponse()
            data = resp.read()
        except OSError:
            start_response('502 Bad Gateway',
                           [('Content-Type', 'text/plain')])
            return [b'The metadata service is unreachable.\n']
        finally:
            conn.close()
        start_response('%d %s' % (resp.status, resp.reason), [
            ('Content-Type', resp.getheader('Content-Type', 'text/plain')),
            ('Content-Length', str(len(data)))])
        return [data]
