"""``/v2.1/flavors``: list, show, create and delete flavors (compute API
reference, "Flavors", microversion 2.1).

Lists take ``minDisk`` (GiB), ``minRam`` (MiB), ``is_public`` (admins:
true, false or ``None`` for all; others always see public flavors and
the private ones their project has access to),
``limit`` and ``marker``.  Creating (200) and deleting (202) need the
admin policy; a duplicate name or id is a 409.  From microversion 2.55
flavors have a ``description``, set at create or by ``PUT
/flavors/{id}`` (admins; a 404 before 2.55); from 2.61 the detailed
bodies (detail, show, create, update) give ``extra_specs`` to callers
who may list them.  From 2.102 lists take ``name`` (a regular
expression searched in the flavor names).
"""
import flask

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import flavors as views
from nova_lite.compute import flavors as flavor_api
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import flavor_extras as flavor_extra_policies
from nova_lite.policies import flavors as flavor_policies

bp = flask.Blueprint('flavors', __name__, url_prefix='/v2.1/flavors')
_INT_MAX = 2 ** 31 - 1


def _is_public(context, args):
    """True/False/None (all) from ``is_public``; admins only may ask for
    non-public flavors."""
    if not context.is_admin:
        return True
    value = args.get('is_public', 'true')
    if value.strip().lower() == 'none':
        return None
    return openstack.parse_bool(value, 'is_public')


def _list():
    context = openstack.context()
    policy.authorize(context, flavor_policies.FLAVORS % 'index')
    args = flask.request.args
    limit, marker = openstack.limit_and_marker()
    kwargs = {'is_public': _is_public(context, args), 'marker': marker,
              'limit': limit}
    if 'minRam' in args:
        kwargs['min_memory_mb'] = openstack.parse_int(args['minRam'],
                                                      'minRam', 0)
    if 'minDisk' in args:
        kwargs['min_root_gb'] = openstack.parse_int(args['minDisk'],
                                                    'minDisk', 0)
    if microversion.at_least('2.102') and 'name' in args:
        kwargs['name'] = openstack.regex_param(args['name'], 'name')
    return flavor_api.get_all(context, **kwargs), limit


def _page(flavors, limit):
    body = {'flavors': flavors}
    links = openstack.collection_links('flavors', flavors, limit)
    if links:
        body['flavors_links'] = links
    return body


@bp.get('')
def index():
    """200 ``{"flavors": [{"id", "name", "links"}], "flavors_links"}``."""
    flavors, limit = _list()
    return _page([views.basic(f) for f in flavors], limit)


def _with_extra_specs(context, flavors):
    """``flavors`` with their ``extra_specs`` from microversion 2.61 when
    the caller may list extra specs
    (``os_compute_api:os-flavor-extra-specs:index``); as they are
    otherwise."""
    if microversion.at_least('2.61') and policy.can(
            context, flavor_extra_policies.EXTRA_SPECS % 'index'):
        return flavor_api.with_all_extra_specs(context, flavors)
    return flavors


def _detail(context, flavor):
    return views.detail(_with_extra_specs(context, [flavor])[0])


@bp.get('/detail')
def detail():
    """200 ``{"flavors": [<flavor detail>], "flavors_links"}``."""
    flavors, limit = _list()
    flavors = _with_extra_specs(openstack.context(), flavors)
    return _page([views.detail(f) for f in flavors], limit)


@bp.get('/<flavor_id>')
def show(flavor_id):
    """200 ``{"flavor": <flavor detail>}``; 404 for unknown ids and for
    private flavors unless admin or given access (os-flavor-access)."""
    context = openstack.context()
    policy.authorize(context, flavor_policies.FLAVORS % 'index')
    return {'flavor': _detail(context, flavor_api.get(context, flavor_id))}


def _flavor_values(flavor):
    """``flavors`` row values from a validated create body."""
    def number(key, minimum, default=None):
        """``flavor[key]`` as an int in [minimum, 2**31-1]."""
        value = flavor.get(key, default)
        return openstack.parse_int(value, key, minimum, _INT_MAX)

    values = {
        'name': flavor['name'], 'memory_mb': number('ram', 1),
        'vcpus': number('vcpus', 1), 'root_gb': number('disk', 0),
        'ephemeral_gb': number('OS-FLV-EXT-DATA:ephemeral', 0, 0),
        'swap': number('swap', 0, 0),
        'is_public': openstack.parse_bool(
            flavor.get('os-flavor-access:is_public', True),
            'os-flavor-access:is_public'),
    }
    if 'rxtx_factor' in flavor:
        values['rxtx_factor'] = _rxtx_factor(flavor['rxtx_factor'])
    if flavor.get('id') is not None:
        values['flavorid'] = str(flavor['id'])
    if flavor.get('description') is not None:
        values['description'] = flavor['description']
    return values


def _rxtx_factor(value):
    factor = float(value)
    if factor <= 0:
        raise exception.ValidationError(
            attribute='rxtx_factor', reason='%s must be greater than 0'
            % value)
    return factor


@bp.post('')
def create():
    """200 ``{"flavor": <flavor detail>}``; 403 unless admin, 409 when
    the name or id exists."""
    context = openstack.context()
    policy.authorize(context, flavor_policies.FLAVOR_MANAGE % 'create')
    values = _flavor_values(openstack.body()['flavor'])
    return {'flavor': _detail(context, flavor_api.create(context, values))}


@bp.put('/<flavor_id>')
def update(flavor_id):
    """200 ``{"flavor": <flavor detail>}`` (from microversion 2.55): set
    or (null) clear the description; 403 unless admin, 404 for unknown
    ids."""
    context = openstack.context()
    policy.authorize(context, flavor_policies.FLAVOR_MANAGE % 'update')
    description = openstack.body()['flavor']['description']
    return {'flavor': _detail(context, flavor_api.update_description(
        context, flavor_id, description))}


@bp.delete('/<flavor_id>')
def delete(flavor_id):
    """202; 403 unless admin, 404 for unknown ids."""
    context = openstack.context()
    policy.authorize(context, flavor_policies.FLAVOR_MANAGE % 'delete')
    flavor_api.delete(context, flavor_id)
    return '', 202
