"""Servers (``/servers``): the live table, one server's page with its
console log and actions, and the launch form.

Everything goes through the compute API with the user's token: a server
of another project is the API's 404, an action the policy refuses is
its 403, shown in the page (compute API reference: servers, server
actions, ``os-getConsoleOutput``, ``os-getVNCConsole``).
"""
import base64
import re
import urllib.parse

import flask

from nova_lite.dashboard import client
from nova_lite.dashboard.csp import policy as app_csp

bp = flask.Blueprint('servers', __name__, url_prefix='/servers')

#: Actions of the per-server buttons: name → (request body, label).
ACTIONS = {
    'start': ({'os-start': None}, 'Start'),
    'stop': ({'os-stop': None}, 'Stop'),
    'reboot': ({'reboot': {'type': 'SOFT'}}, 'Reboot'),
    'hard-reboot': ({'reboot': {'type': 'HARD'}}, 'Hard reboot'),
}
#: Actions of a server waiting for its resize to be confirmed.
RESIZE_ACTIONS = {
    'confirm-resize': ({'confirmResize': None}, 'Confirm resize'),
    'revert-resize': ({'revertResize': None}, 'Revert resize'),
}
#: Launch form fields and the words of an API message that concern each.
FIELD_WORDS = (
    ('name', ('server/name',)),
    ('flavor', ('flavor',)),
    ('image', ('image',)),
    ('key_name', ('key_name', 'key pair', 'keypair')),
    ('user_data', ('user_data',)),
    ('group', ('group',)),
    ('count', ('min_count', 'max_count', 'quota', 'count')),
)
#: Lines of console log shown.
CONSOLE_LINES = 200
_UUID = re.compile(r'^[0-9a-fA-F-]{1,64}\Z')


def _api():
    return flask.g.api


def _server_id(server_id):
    if not _UUID.match(server_id):
        flask.abort(404, 'Server %s could not be found.' % server_id)
    return server_id


def _addresses(server):
    return [address['addr'] for network in (server.get('addresses') or {})
            .values() for address in network]


def _row(server, image_names):
    image = server.get('image') or {}
    return {
        'id': server['id'], 'name': server.get('name'),
        'status': server.get('status'),
        'task_state': server.get('OS-EXT-STS:task_state'),
        'power_state': server.get('OS-EXT-STS:power_state'),
        'addresses': _addresses(server),
        'flavor': (server.get('flavor') or {}).get('original_name'),
        'image': image_names.get(image.get('id'), image.get('id'))
        if image else 'volume',
        'host': server.get('OS-EXT-SRV-ATTR:host'),
        'fault': (server.get('fault') or {}).get('message'),
        'created': server.get('created'),
    }


def _image_names():
    try:
        images = _api().image('GET', '/v2/images?limit=1000')['images']
    except client.APIError:
        return {}
    return {image['id']: image.get('name') or image['id']
            for image in images}


def server_rows():
    """The project's servers as table rows (dicts), newest first."""
    servers = _api().compute('GET', '/servers/detail?limit=1000')['servers']
    names = _image_names()
    return [_row(server, names) for server in servers]


@bp.route('')
def index():
    """The servers page: the table (refreshed in place) and the launch
    button for those who may launch."""
    return flask.render_template('servers.html', rows=server_rows(),
                                 actions=ACTIONS)


@bp.route('/table')
def table():
    """The table alone (an htmx fragment, polled every
    ``[dashboard] refresh_seconds``)."""
    return flask.render_template('_servers_table.html', rows=server_rows(),
                                 actions=ACTIONS)


@bp.route('/<server_id>')
def show(server_id):
    """One server: its details, faults, actions, snapshot and resize
    forms, and console log."""
    server = _api().compute('GET', '/servers/%s' % _server_id(server_id))
    row = _row(server['server'], _image_names())
    flavors = []
    if flask.g.session.can_write:
        flavors = sorted(_api().compute('GET', '/flavors/detail')['flavors'],
                         key=lambda f: (f['ram'], f['vcpus'], f['name']))
    return flask.render_template('server.html', server=row, flavors=flavors,
                                 actions=ACTIONS,
                                 resize_actions=RESIZE_ACTIONS)


@bp.route('/<server_id>/status')
def status(server_id):
    """The status block of one server (an htmx fragment, polled)."""
    server = _api().compute('GET', '/servers/%s' % _server_id(server_id))
    return flask.render_template('_server_status.html', server=_row(
        server['server'], {}), resize_actions=RESIZE_ACTIONS)


@bp.route('/<server_id>/console-log')
def console_log(server_id):
    """The last ``CONSOLE_LINES`` lines of the serial console log (an
    htmx fragment)."""
    out = _api().compute('POST', '/servers/%s/action' % _server_id(
        server_id), {'os-getConsoleOutput': {'length': CONSOLE_LINES}})
    return flask.render_template('_console_log.html',
                                 output=(out or {}).get('output', ''))


@bp.route('/<server_id>/console', methods=['POST'])
def remote_console(server_id):
    """The server's noVNC console in the page (2.6 remote-consoles; a
    POST: each opening makes a console token): this page alone lets a
    frame of the console proxy's origin in (its Content-Security-Policy
    names that origin)."""
    server = _api().compute('GET', '/servers/%s' % _server_id(server_id))
    out = _api().compute('POST', '/servers/%s/remote-consoles' % server_id,
                         {'remote_console': {'protocol': 'vnc',
                                             'type': 'novnc'}})
    url = out['remote_console']['url']
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ('http', 'https') or not parts.netloc:
        flask.abort(502, 'The console URL is not an HTTP URL.')
    resp = flask.make_response(flask.render_template(
        'console.html', server=_row(server['server'], {}), url=url))
    resp.headers['Content-Security-Policy'] = \
        app_csp() + '; frame-src %s://%s' % (parts.scheme, parts.netloc)
    return resp


@bp.route('/<server_id>/snapshot', methods=['POST'])
def snapshot(server_id):
    """Snapshot the server into an image (``createImage``; 2.45+
    answers the new image's id); the result line (an htmx fragment)."""
    name = flask.request.form.get('snapshot_name', '').strip()
    out = _api().compute('POST', '/servers/%s/action' % _server_id(
        server_id), {'createImage': {'name': name}})
    return flask.render_template('_snapshot_result.html', name=name,
                                 image_id=(out or {}).get('image_id'))


@bp.route('/<server_id>/resize', methods=['POST'])
def resize(server_id):
    """Resize to the chosen flavor (``resize``); the server then waits
    in VERIFY_RESIZE for a confirm or revert (status block buttons)."""
    _api().compute('POST', '/servers/%s/action' % _server_id(server_id),
                   {'resize': {'flavorRef': flask.request.form.get(
                       'flavor', '')}})
    return status(server_id)


@bp.route('/<server_id>/action/<name>', methods=['POST'])
def action(server_id, name):
    """Run a server action (start, stop, reboot, hard-reboot) or delete;
    the refreshed table or status block, or the page on a plain form."""
    path = '/servers/%s' % _server_id(server_id)
    known = dict(ACTIONS, **RESIZE_ACTIONS)
    if name == 'delete':
        _api().compute('DELETE', path)
    elif name in known:
        _api().compute('POST', path + '/action', known[name][0])
    else:
        flask.abort(404, 'No action %s.' % name)
    if flask.request.headers.get('HX-Request') == 'true':
        if flask.request.form.get('from') == 'server' and name != 'delete':
            return status(server_id)
        return table()
    target = flask.url_for('servers.index') if name == 'delete' \
        else flask.url_for('servers.show', server_id=server_id)
    return flask.redirect(target, 303)


def _choices():
    api = _api()
    groups = api.compute('GET', '/os-server-groups')['server_groups']
    return {
        'flavors': sorted(api.compute('GET', '/flavors/detail')['flavors'],
                          key=lambda f: (f['ram'], f['vcpus'], f['name'])),
        'images': [image for image in api.image(
            'GET', '/v2/images?limit=1000')['images']
            if image.get('status') == 'active'],
        'keypairs': [k['keypair'] for k in api.compute(
            'GET', '/os-keypairs')['keypairs']],
        'groups': groups,
    }


def field_of(message):
    """The launch form field an API message concerns (``None``: the
    form as a whole)."""
    lowered = message.lower()
    match = re.search(r'field/attribute (\S+?)\.', message)
    if match:
        lowered = match.group(1).lower()
    for field, words in FIELD_WORDS:
        if any(word in lowered for word in words):
            return field
    return None


def _launch_body(form):
    """The ``POST /servers`` body of the launch form (the API validates
    every value; only the count's shape is checked here)."""
    server = {'name': form.get('name', ''),
              'flavorRef': form.get('flavor', ''),
              'imageRef': form.get('image', ''),
              'networks': 'auto'}
    count = form.get('count', '1').strip() or '1'
    server['min_count'] = server['max_count'] = \
        int(count) if count.isdigit() else count
    if form.get('key_name'):
        server['key_name'] = form['key_name']
    if form.get('user_data'):
        server['user_data'] = base64.b64encode(
            form['user_data'].encode()).decode()
    body = {'server': server}
    if form.get('group'):
        body['os:scheduler_hints'] = {'group': form['group']}
    return body


@bp.route('/launch', methods=['GET', 'POST'])
def launch():
    """GET: the launch form. POST: create the servers and go to the
    table; an API refusal shows the form again with the API's message
    next to the field it concerns (the API's status code)."""
    if flask.request.method == 'GET':
        return flask.render_template('launch.html', errors={}, form={},
                                     **_choices())
    form = flask.request.form
    try:
        _api().compute('POST', '/servers', _launch_body(form))
    except client.APIError as exc:
        errors = {field_of(exc.message): exc.message}
        return flask.render_template(
            'launch.html', errors=errors, form=form, status=exc.status,
            **_choices()), exc.status
    return flask.redirect(flask.url_for('servers.index'), 303)
