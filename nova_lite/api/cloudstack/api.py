"""``/client/api``: the CloudStack command endpoint.

One URL for every command (CloudStack API reference, "Making API
requests")::

    GET|POST /client/api?command=<name>&<parameters>&response=json
        [&apiKey=...&signature=...[&signatureVersion=3&expires=...]]
        [&sessionkey=...  with the JSESSIONID cookie]

Steps, as CloudStack's ApiServlet/ApiServer take them: find the command
in the table (``registry``), authenticate (``auth``; ``login`` needs no
credentials but must be a POST), refuse commands the caller's roles do
not allow (432, as CloudStack hides them), validate the parameters
(``params``; 431), run the handler, render JSON or XML (``render``).
Every error is answered in CloudStack's format with its code as the HTTP
status; an unreachable database is a 534 sent as HTTP 503 with
Retry-After (as the compute API answers it); an unexpected error is a 530
whose details go to the log only.
Parameters are never logged (they may hold passwords or user data).
"""
import re

import flask
from oslo_db import exception as db_exc
from oslo_log import log as logging
import oslo_messaging as messaging
import sqlalchemy.exc as sa_exc

from nova_lite.api.cloudstack import auth
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import params as params_mod
from nova_lite.api.cloudstack import registry
from nova_lite.api.cloudstack import render
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api import faults
from nova_lite.api import openstack
from nova_lite import exception
from nova_lite import policy

LOG = logging.getLogger(__name__)
PATH = '/client/api'

bp = flask.Blueprint('cloudstack', __name__)

_COMMAND_NAME = re.compile(r'^[A-Za-z][A-Za-z0-9]{0,63}$')


def _raw_values():
    """``{name as sent: first value}`` of the query string and form."""
    raw = {}
    for source in (flask.request.args, flask.request.form):
        for name, value in source.items(multi=True):
            raw.setdefault(name, value)
    return raw


def response_name(command_name):
    """``<command>response`` in lower case; ``errorresponse`` for a
    missing or malformed command name."""
    if command_name and _COMMAND_NAME.match(command_name):
        return command_name.lower() + 'response'
    return 'errorresponse'


def _check_role(command, context):
    rule = registry.ROLE_RULES[command.role]
    if not policy.can(context, rule):
        LOG.info('CloudStack command %s refused: role %s required',
                 command.name, command.role)
        raise errors.UnknownCommand(command.name)


def _prepare(raw, values):
    """The Request of the call (authenticated and validated).

    :raises: CloudStackError (401, 405, 431, 432)
    """
    conf = openstack.conf()
    command = registry.lookup(values.get('command'))
    identity = context = None
    if command is None or command.role != registry.ANONYMOUS:
        identity = auth.authenticate(conf, raw, values,
                                     flask.request.cookies)
        context = auth.request_context(
            identity, flask.request.environ.get('openstack.request_id'))
        if command is None:
            raise errors.UnknownCommand(values.get('command'))
        _check_role(command, context)
    elif flask.request.method != 'POST':
        raise errors.MethodNotAllowed(
            'Please use HTTP POST to authenticate using the %s command'
            % command.name)
    typed = params_mod.validate(command.name, command.params, values)
    return request_mod.Request(
        command=command, params=typed, context=context, identity=identity,
        conf=conf, compute_api=openstack.compute_api(),
        cookies=dict(flask.request.cookies),
        http_method=flask.request.method)


def _run(request):
    """The handler's body, engine errors turned into CloudStack ones."""
    try:
        return request.command.handler(request)
    except exception.NovaLiteException as exc:
        err = errors.from_exception(exc)
        if err.code >= 500:
            LOG.error('CloudStack %s failed: %s', request.command.name,
                      exc.format_message())
        raise err from None
    except messaging.MessagingTimeout:
        LOG.warning('CloudStack %s: RPC timed out', request.command.name)
        raise errors.Unavailable(
            'A nova_lite service did not answer in time; retry later.',
            faults.RPC_RETRY_AFTER) from None


def _database_error(name, exc):
    """The CloudStackError of a database error: DatabaseUnavailable
    (534, HTTP 503) when the connection is lost, refused or exhausted
    (``faults.is_db_connection_error``, the compute API's rule), else
    None (an unexpected error)."""
    if not faults.is_db_connection_error(exc):
        return None
    LOG.warning('CloudStack %s: database unreachable: %s', name,
                type(exc).__name__)
    return errors.DatabaseUnavailable(faults.DB_RETRY_AFTER)


def _internal_error(name):
    """A 530 whose cause goes to the log only (call in an except)."""
    LOG.exception('Unexpected error in CloudStack command %s', name)
    return errors.CloudStackError(
        'Internal error executing command (request %s); the operator '
        'can find its cause in the API log.'
        % flask.request.environ.get('openstack.request_id', ''))


def _respond(name, body, status, as_json, request=None, headers=None):
    version = openstack.conf().cloudstack.version
    data, content_type = render.render(name, body, as_json, version)
    response = flask.Response(data, status=status, headers=headers,
                              content_type=content_type)
    for cookie, value, max_age in (request.set_cookies if request else ()):
        response.set_cookie(cookie, value, max_age=max_age, path='/client',
                            httponly=True, samesite='Lax')
    return response


@bp.route(PATH, methods=['GET', 'POST'])
def client_api():
    """Run one CloudStack command (see the module docstring)."""
    raw = _raw_values()
    values = params_mod.lower_keys(raw)
    as_json = render.wants_json(values)
    name = response_name(values.get('command'))
    request = None
    try:
        request = _prepare(raw, values)
        body = _run(request)
    except errors.CloudStackError as exc:
        LOG.info('CloudStack %s: %d %s', name, exc.code, exc.text)
        err = exc
    except (db_exc.DBError, sa_exc.SQLAlchemyError) as exc:
        err = _database_error(name, exc) or _internal_error(name)
    except Exception:  # noqa: BLE001 - answered as a CloudStack 530
        err = _internal_error(name)
    else:
        return _respond(name, body, 200, as_json, request)
    return _respond(name, err.body(), err.status, as_json,
                    headers=err.headers)
