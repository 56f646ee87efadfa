"""Calls to nova_lite's public APIs with the signed-in user's token.

``APIClient(session, timeout)`` reaches the compute API (microversion
``COMPUTE_VERSION``), the image API (``/v2``) and the block storage API
at the catalog URLs of the session's sign-in. Errors come back as
``APIError`` with the API's status and its fault message (compute API
reference, "Faults"; Image API v2 errors), which the pages show as is.
"""
import json

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session

#: Compute API microversion of every call: 2.47 embeds the flavor in
#: the server, 2.53 gives hypervisors by UUID with their servers.
COMPUTE_VERSION = '2.53'


class APIError(Exception):
    """An API answered 4xx/5xx (``status``) or could not be reached
    (``status`` 503). ``message`` is the API's own text."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def _fault_message(resp):
    """The message of a compute fault (``{"badRequest": {"message":
    ...}}``), an image API error or a plain body."""
    try:
        body = resp.json()
    except ValueError:
        return (resp.text or resp.reason or '').strip()[:500]
    if isinstance(body, dict):
        for value in body.values():
            if isinstance(value, dict) and 'message' in value:
                return str(value['message'])
        if 'message' in body:
            return str(body['message'])
    return json.dumps(body)[:500]


class APIClient:
    """The APIs as one signed-in user (``session``: a
    ``sessions.Session``); ``timeout`` in seconds per call."""

    def __init__(self, session, timeout, request_id=None):
        self.session = session
        self._http = ks_session.Session(timeout=timeout)
        self._request_id = request_id

    def _url(self, service, path):
        base = self.session.endpoints.get(service)
        if base is None:
            raise APIError(503, 'The %s service is not in the catalog.'
                           % service)
        return base + path

    def request(self, method, service, path, body=None, data=None,
                headers=None):
        """One call; the parsed JSON body (None when empty).

        :raises APIError: status >= 400 or the API unreachable
        """
        all_headers = {'X-Auth-Token': self.session.token,
                       'Accept': 'application/json'}
        if service == 'compute':
            all_headers['OpenStack-API-Version'] = \
                'compute ' + COMPUTE_VERSION
        if self._request_id:
            all_headers['X-OpenStack-Request-ID'] = self._request_id
        all_headers.update(headers or {})
        try:
            resp = self._http.request(
                self._url(service, path), method, json=body, data=data,
                headers=all_headers, authenticated=False, raise_exc=False,
                log=False)
        except ks_exc.ConnectionError:
            raise APIError(503, 'The %s API cannot be reached.'
                           % service) from None
        except ks_exc.ClientException as exc:
            raise APIError(503, 'The %s API failed: %s' % (
                service, type(exc).__name__)) from None
        if resp.status_code >= 400:
            raise APIError(resp.status_code, _fault_message(resp))
        if not resp.content:
            return None
        return resp.json() if 'json' in resp.headers.get(
            'Content-Type', '') else resp.content

    def compute(self, method, path, body=None):
        """A compute API call (``path`` after ``/v2.1``)."""
        return self.request(method, 'compute', path, body=body)

    def image(self, method, path, body=None, data=None, headers=None):
        """An image API call (``path`` after the image endpoint, e.g.
        ``/v2/images``)."""
        return self.request(method, 'image', path, body=body, data=data,
                            headers=headers)

    def has(self, service):
        """True when the catalog has ``service`` (compute, image,
        volume)."""
        return service in self.session.endpoints
