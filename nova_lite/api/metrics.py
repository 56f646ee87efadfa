"""API request metrics: a WSGI middleware counting and timing every
request by route template, method and status code
(``nova_lite.metrics.API_REQUESTS`` and ``API_REQUEST_SECONDS``).

The route is the Flask rule the request matched (``request.url_rule.rule``,
e.g. ``/v2.1/servers/<server_id>``), noted in the WSGI environ by a
``flask.request_started`` handler for every Flask app of the API (compute,
image and CloudStack APIs); never the raw path. A request that matched no
rule, or that was answered before routing (authentication, body size,
the /healthcheck middleware), is labelled ``none``. Methods outside the
HTTP verbs the API serves are labelled ``other``.
"""
import time

import flask

from nova_lite import metrics

#: WSGI environ key holding the matched route template.
ROUTE_KEY = 'nova_lite.route'
NO_ROUTE = 'none'
METHODS = frozenset(('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE',
                     'OPTIONS'))


def _note_route(_sender, **_extra):
    rule = flask.request.url_rule
    if rule is not None:
        flask.request.environ[ROUTE_KEY] = rule.rule


# Connected for every Flask app (no sender); blinker keeps a weak
# reference, which a module-level function outlives.
flask.request_started.connect(_note_route)


def labels(environ, status):
    """(route, method, code) labels of a request.

    :param status: the WSGI status line ("202 Accepted") or None when no
        response was started (then "500")
    """
    method = environ.get('REQUEST_METHOD', '')
    if method not in METHODS:
        method = 'other'
    code = (status or '')[:3]
    if not (len(code) == 3 and code.isdigit()):
        code = '500'
    return environ.get(ROUTE_KEY, NO_ROUTE), method, code


class RequestMetrics:
    """WSGI middleware recording API_REQUESTS and API_REQUEST_SECONDS
    (time to the start of the response: streaming bodies not included)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        start = time.monotonic()
        status = []

        def _start_response(status_line, headers, exc_info=None):
            status.append(status_line)
            return start_response(status_line, headers, exc_info)

        try:
            return self.app(environ, _start_response)
        finally:
            route, method, code = labels(environ,
                                         status[-1] if status else None)
            metrics.API_REQUESTS.labels(route, method, code).inc()
            metrics.API_REQUEST_SECONDS.labels(route, method).observe(
                time.monotonic() - start)
