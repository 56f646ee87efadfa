r"""The OpenAPI 3.1 documents of the compute API, one per microversion,
generated from the app.

``GET /v2.1/openapi.json?microversion=X`` (authenticated like every
``/v2.1`` route; ``X`` a supported version or ``latest``, by default the
request's microversion) returns the document of microversion X, built
from the same sources the app serves from:

* paths and methods: the Flask route table (``app.url_map``), with Flask
  placeholders (``<server_id>``) as path parameters;
* request bodies: the jsonschemas of ``schemas.route_schemas()`` at
  version X (JSON Schema draft 7, valid as OpenAPI 3.1 schemas once
  their Python regular expressions are written in ECMA-262 syntax:
  ``\Z`` becomes ``$``); routes ``versions_history.ROUTES`` excludes
  from X are left out;
* response bodies: the schemas of ``schemas.responses`` at version X
  where there is one, else any object;
* every operation takes the ``OpenStack-API-Version: compute X``
  header (a required parameter of that one value);
* success statuses: read from the handlers' ``return body, status``
  statements (a bare ``return body`` is a 200; ``return '', 202`` is a
  202 without a body), or ``SUCCESS_STATUSES`` for handlers that
  dispatch to others;
* error responses: the compute API fault (``{"<faultName>": {"code",
  "message"}}``, compute API reference "Faults") for every 4xx/503 the
  pipeline can answer;
* query parameters: ``QUERY_PARAMETERS`` below (the handlers read them
  from ``flask.request.args``; every value is a string to the API).

The document is what the API fuzz test (tests/functional/test_fuzz_api.py)
gives schemathesis.
"""
import ast
import functools
import inspect
import re
import textwrap

import flask

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.api import schemas
from nova_lite.api.schemas import responses as response_schemas

bp = flask.Blueprint('openapi', __name__)

PATH = '/v2.1/openapi.json'

#: Methods Flask adds to every route by itself.
_IMPLICIT_METHODS = frozenset({'HEAD', 'OPTIONS'})

#: ``<converter(args):name>`` or ``<name>`` in a Flask rule.
_PLACEHOLDER = re.compile(r'<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?'
                          r'(?P<name>\w+)>')

_LIST = ('limit', 'marker')
_SERVER_LIST = _LIST + ('name', 'status', 'reservation_id', 'image',
                        'flavor', 'changes-since', 'host', 'all_tenants',
                        'deleted', 'ip', 'ip6')
_FLAVOR_LIST = _LIST + ('is_public', 'minRam', 'minDisk')
#: The compute image proxy's (``image_filters``; property-<key> too).
_IMAGE_LIST = _LIST + ('name', 'status', 'server', 'type',
                       'changes-since', 'minRam', 'minDisk')
#: limit and marker are read from microversion 2.40 only.
_USAGE = ('start', 'end') + _LIST

#: (method, OpenAPI path) → query parameters the handler reads.
QUERY_PARAMETERS = {
    ('GET', '/v2.1/servers'): _SERVER_LIST,
    ('GET', '/v2.1/servers/detail'): _SERVER_LIST,
    ('GET', '/v2.1/flavors'): _FLAVOR_LIST,
    ('GET', '/v2.1/flavors/detail'): _FLAVOR_LIST,
    ('GET', '/v2.1/images'): _IMAGE_LIST,
    ('GET', '/v2.1/images/detail'): _IMAGE_LIST,
    ('GET', '/v2.1/os-server-groups'): ('all_projects', 'limit', 'offset'),
    ('GET', '/v2.1/limits'): ('tenant_id',),
    ('GET', '/v2.1/os-quota-sets/{project_id}'): ('user_id',),
    ('PUT', '/v2.1/os-quota-sets/{project_id}'): ('user_id',),
    ('GET', '/v2.1/os-quota-sets/{project_id}/detail'): ('user_id',),
    ('DELETE', '/v2.1/os-quota-sets/{project_id}'): ('user_id',),
    ('GET', '/v2.1/os-services'): ('binary', 'host'),
    ('GET', '/v2.1/openapi.json'): ('microversion',),
    ('GET', '/v2.1/os-keypairs'): ('user_id',),
    ('GET', '/v2.1/os-keypairs/{keypair_name}'): ('user_id',),
    ('DELETE', '/v2.1/os-keypairs/{keypair_name}'): ('user_id',),
    ('GET', '/v2.1/os-simple-tenant-usage'): _USAGE + ('detailed',),
    ('GET', '/v2.1/os-simple-tenant-usage/{tenant_id}'): _USAGE,
    ('GET', '/v2.1/os-hosts'): ('zone',),
    ('GET', '/v2.1/os-volumes'): ('limit', 'offset'),
    ('GET', '/v2.1/os-volumes/detail'): ('limit', 'offset'),
    ('GET', '/v2.1/os-snapshots'): ('limit', 'offset'),
    ('GET', '/v2.1/os-snapshots/detail'): ('limit', 'offset'),
    ('GET', '/v2.1/os-migrations'): (
        'hidden', 'host', 'instance_uuid', 'source_compute', 'status',
        'migration_type', 'limit', 'marker', 'changes-since',
        'changes-before', 'user_id', 'project_id'),
}

#: (method, OpenAPI path) → {status: empty body} of handlers whose
#: ``return`` hands over to another function (action dispatchers).
SUCCESS_STATUSES = {
    # 204: confirmResize (nova_lite.api.openstack.compute.server_resize).
    ('POST', '/v2.1/servers/{server_id}/action'): {200: False, 202: True,
                                                   204: True},
}

#: Error statuses the pipeline may answer on any route: bad input,
#: authentication, policy, unknown resource, microversion, state
#: conflict, body size, media type, and 503 (RPC timeout, database
#: unreachable, admission control).
ERROR_STATUSES = (400, 401, 403, 404, 406, 409, 413, 415, 503)

#: (method, OpenAPI path) of operations that answer 501 Not Implemented
#: when the virt driver (or every driver) cannot do what they ask, as
#: Nova's do (compute API reference: os-hosts power actions, hypervisor
#: uptime, server diagnostics; the rdp and mks remote
#: consoles and os-getRDPConsole, doc/consoles.md).
NOT_IMPLEMENTED = frozenset({
    ('POST', '/v2.1/servers/{server_id}/remote-consoles'),
    ('POST', '/v2.1/servers/{server_id}/action'),
    ('GET', '/v2.1/os-hosts/{host_name}/reboot'),
    ('GET', '/v2.1/os-hosts/{host_name}/shutdown'),
    ('GET', '/v2.1/os-hosts/{host_name}/startup'),
    ('GET', '/v2.1/os-hypervisors/{hypervisor_id}/uptime'),
    ('GET', '/v2.1/servers/{server_id}/diagnostics'),
})

_STRING = {'type': 'string', 'maxLength': 255}

FAULT_SCHEMA = {
    'type': 'object',
    'description': 'Compute API fault: one key, the fault name '
                   '(badRequest, itemNotFound, ...).',
    'minProperties': 1,
    'maxProperties': 1,
    'additionalProperties': {
        'type': 'object',
        'properties': {'code': {'type': 'integer'},
                       'message': {'type': 'string'}},
        'required': ['code', 'message'],
    },
}


# -------------------------------------------------------------- schemas

_PYTHON_END = re.compile(r'(?<!\\)\\Z')


def ecma_pattern(pattern):
    """A Python ``re`` pattern of the body schemas in ECMA-262 syntax,
    which OpenAPI tools use: the end anchor ``\\Z`` becomes ``$`` (the
    same meaning in ECMA-262, where ``$`` does not match before a final
    newline)."""
    return _PYTHON_END.sub('$', pattern)


def ecma_schema(schema):
    """A copy of a jsonschema with every ``pattern`` and
    ``patternProperties`` key passed through ``ecma_pattern``."""
    if isinstance(schema, list):
        return [ecma_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {}
    for key, value in schema.items():
        if key == 'pattern' and isinstance(value, str):
            result[key] = ecma_pattern(value)
        elif key == 'patternProperties' and isinstance(value, dict):
            result[key] = {ecma_pattern(k): ecma_schema(v)
                           for k, v in value.items()}
        elif key in ('properties', 'definitions', '$defs') and \
                isinstance(value, dict):
            result[key] = {k: ecma_schema(v) for k, v in value.items()}
        else:
            result[key] = ecma_schema(value)
    return result


# ------------------------------------------------------------- handlers

def _status_of(node):
    """(status, empty body) of one ``return`` AST node; None for a
    ``return`` without value or with a status that is not a literal."""
    value = node.value
    if value is None:
        return None
    if not isinstance(value, ast.Tuple):
        return 200, False
    status = value.elts[1] if len(value.elts) > 1 else None
    if status is not None and not (isinstance(status, ast.Constant)
                                   and isinstance(status.value, int)):
        return None
    body = value.elts[0]
    empty = isinstance(body, ast.Constant) and body.value in ('', b'', None)
    return (status.value if status is not None else 200), empty


@functools.lru_cache(maxsize=None)
def success_statuses(view):
    """``{status: empty body}`` of a view function, read from its
    ``return`` statements ({200: False} when it has none we can read)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(view)))
    except (OSError, TypeError, SyntaxError):
        return {200: False}
    statuses = {}
    for node in _returns(tree.body[0]):
        found = _status_of(node)
        if found is not None:
            statuses[found[0]] = statuses.get(found[0], True) and found[1]
    return statuses or {200: False}


def _returns(function):
    """``return`` nodes of a function, not of the functions nested in
    it."""
    pending = list(ast.iter_child_nodes(function))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Return):
            yield node
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                   ast.Lambda, ast.ClassDef)):
            pending.extend(ast.iter_child_nodes(node))


# ----------------------------------------------------------------- paths

def openapi_path(rule):
    """``/v2.1/servers/{server_id}`` from the Flask rule
    ``/v2.1/servers/<server_id>``."""
    return _PLACEHOLDER.sub(lambda m: '{%s}' % m.group('name'), rule)


def _path_parameters(rule):
    params = []
    for match in _PLACEHOLDER.finditer(rule):
        schema = {'type': 'integer'} if match.group('converter') == 'int' \
            else dict(_STRING, minLength=1)
        params.append({'name': match.group('name'), 'in': 'path',
                       'required': True, 'schema': schema})
    return params


def _query_parameters(method, path):
    return [{'name': name, 'in': 'query', 'required': False,
             'schema': dict(_STRING)}
            for name in QUERY_PARAMETERS.get((method, path), ())]


def _version_header(version):
    return {'name': microversion.HEADER, 'in': 'header', 'required': True,
            'schema': {'type': 'string', 'enum': [
                '%s %s' % (microversion.SERVICE, str(version))]}}


def _responses(view, method, rule, version):
    path = openapi_path(rule)
    statuses = SUCCESS_STATUSES.get((method, path)) or \
        success_statuses(view)
    statuses = response_schemas.statuses(method, rule, version, statuses)
    responses = {}
    for status, empty in sorted(statuses.items()):
        response = {'description': 'Success'}
        if not empty:
            schema = response_schemas.schema(method, rule, status, version)
            response['content'] = {'application/json': {
                'schema': ecma_schema(schema) if schema else
                {'type': 'object'}}}
        responses[str(status)] = response
    fault = {'description': 'Fault', 'content': {'application/json': {
        'schema': {'$ref': '#/components/schemas/Fault'}}}}
    for status in ERROR_STATUSES:
        responses.setdefault(str(status), fault)
    if (method, path) in NOT_IMPLEMENTED:
        responses['501'] = fault
    return responses


def _summary(view):
    doc = inspect.getdoc(view) or ''
    return doc.split('\n', 1)[0][:120] or view.__name__


def _operation(app, rule, method, path, version):
    view = app.view_functions[rule.endpoint]
    operation = {
        'operationId': '%s.%s' % (rule.endpoint, method.lower()),
        'summary': _summary(view),
        'tags': [rule.endpoint.split('.', 1)[0]],
        'parameters': (_path_parameters(rule.rule)
                       + _query_parameters(method, path)
                       + [_version_header(version)]),
        'responses': _responses(view, method, rule.rule, version),
    }
    schema = schemas.for_version(
        app.config['ROUTE_SCHEMAS'].get((method, rule.rule)), version)
    if schema is not None:
        operation['requestBody'] = {'required': True, 'content': {
            'application/json': {'schema': ecma_schema(schema)}}}
    return operation


def paths(app, version=microversion.MIN_VERSION):
    """The ``paths`` object of ``app``'s routes at ``version``."""
    result = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == 'static':
            continue
        path = openapi_path(rule.rule)
        for method in sorted(rule.methods - _IMPLICIT_METHODS):
            if not microversion.route_available(method, rule.rule,
                                                version):
                continue
            result.setdefault(path, {})[method.lower()] = _operation(
                app, rule, method, path, version)
    return result


def document(app, server_url='/', version=microversion.MIN_VERSION):
    """The OpenAPI 3.1 document (a dict) of ``app``'s compute API at
    microversion ``version`` (an APIVersion)."""
    return {
        'openapi': '3.1.0',
        'info': {'title': 'nova_lite compute API', 'version': str(version),
                 'description': 'OpenStack compute API v2.1 at '
                                'microversion %s as served by nova_lite '
                                '(generated from its routes and request '
                                'and response schemas; versions %s to %s '
                                'are supported).' % (
                                    version, microversion.MIN_VERSION,
                                    microversion.MAX_VERSION)},
        'servers': [{'url': server_url.rstrip('/') or '/'}],
        'security': [{'token': []}],
        'paths': paths(app, version),
        'components': {
            'schemas': {'Fault': FAULT_SCHEMA},
            'securitySchemes': {'token': {
                'type': 'apiKey', 'in': 'header', 'name': 'X-Auth-Token',
                'description': 'A Keystone token'}},
        },
    }


def _document_version():
    """The ``microversion`` query parameter's version (400 malformed,
    406 unsupported), else the request's."""
    text = flask.request.args.get('microversion')
    if text is None:
        return microversion.requested()
    return microversion.from_headers({microversion.LEGACY_HEADER: text})


@bp.get(PATH)
def show():
    """200: the OpenAPI 3.1 document of this API at a microversion
    (``?microversion=X``; default the request's)."""
    openstack.context()
    version = _document_version()
    app = flask.current_app
    cache = app.extensions.setdefault('nova_lite.openapi', {})
    if version not in cache:
        cache[version] = document(app, version=version)
    body = dict(cache[version],
                servers=[{'url': openstack.base_url().rstrip('/')}])
    return body
