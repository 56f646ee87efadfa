"""Flavor extra specs and flavor access (compute API reference,
"Flavors extra-specs (flavors, os-flavor-extra-specs)" and "Flavors
access (flavors, os-flavor-access)").

* ``GET /v2.1/flavors/{id}/os-extra_specs`` 200 ``{"extra_specs":
  {key: value}}``; ``GET .../os-extra_specs/{key}`` 200 ``{key: value}``
  (404 unknown key); ``POST`` (admin) 200 ``{"extra_specs": ...}`` with
  the keys set; ``PUT .../{key}`` (admin) 200 ``{key: value}``, 400 when
  the body's key is not the URL's; ``DELETE .../{key}`` (admin) 200.
* ``GET /v2.1/flavors/{id}/os-flavor-access`` (admin) 200
  ``{"flavor_access": [{"flavor_id", "tenant_id"}]}``, 404 for a public
  flavor; ``POST /v2.1/flavors/{id}/action`` (admin) with
  ``addTenantAccess`` (409 if the project has access already, and from
  microversion 2.7 for a public flavor) or ``removeTenantAccess`` (404
  without access) answers the new list.

From microversion 2.86 create and update validate the keys and values
of the registered namespaces (``nova_lite.compute.extra_specs``): an
unknown key of such a namespace or an invalid value is a 400 and nothing
is stored.
"""
import flask

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.compute import extra_specs as extra_spec_registry
from nova_lite.compute import flavors as flavor_api
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import flavor_extras as extra_policies

bp = flask.Blueprint('flavor_extras', __name__,
                     url_prefix='/v2.1/flavors/<flavor_id>')
EXTRA_SPECS = extra_policies.EXTRA_SPECS


def _context(rule):
    context = openstack.context()
    policy.authorize(context, rule)
    return context


def _as_strings(specs):
    """Values as the API stores them: strings ('true'/'false' for
    booleans); validated from microversion 2.86.

    :raises: ValidationError (400) from 2.86 for an unknown key of a
        registered namespace or an invalid value
    """
    specs = {key: (str(value).lower() if isinstance(value, bool)
                   else str(value)) for key, value in specs.items()}
    if microversion.at_least('2.86'):
        extra_spec_registry.validate_all(specs)
    return specs


@bp.get('/os-extra_specs')
def index(flavor_id):
    """200 ``{"extra_specs": {key: value}}``."""
    context = _context(EXTRA_SPECS % 'index')
    return {'extra_specs': flavor_api.get_extra_specs(context, flavor_id)}


@bp.post('/os-extra_specs')
def create(flavor_id):
    """200 ``{"extra_specs": {key: value}}`` of the keys set."""
    context = _context(EXTRA_SPECS % 'create')
    specs = _as_strings(openstack.body()['extra_specs'])
    return {'extra_specs': flavor_api.update_extra_specs(context, flavor_id,
                                                         specs)}


@bp.get('/os-extra_specs/<key>')
def show(flavor_id, key):
    """200 ``{key: value}``; 404 for an unknown key."""
    context = _context(EXTRA_SPECS % 'show')
    specs = flavor_api.get_extra_specs(context, flavor_id)
    if key not in specs:
        raise exception.NotFound(
            'Flavor %s has no extra specs with key %s.' % (flavor_id, key))
    return {key: specs[key]}


@bp.put('/os-extra_specs/<key>')
def update(flavor_id, key):
    """200 ``{key: value}``; 400 when the body names another key."""
    context = _context(EXTRA_SPECS % 'update')
    specs = _as_strings(openstack.body())
    if key not in specs:
        raise exception.ValidationError(
            'Request body and URI mismatch: the body sets %s, the URI '
            'names %s.' % (', '.join(sorted(specs))[:255], key))
    return flavor_api.update_extra_specs(context, flavor_id, specs)


@bp.delete('/os-extra_specs/<key>')
def delete(flavor_id, key):
    """200 with no body; 404 for an unknown key."""
    context = _context(EXTRA_SPECS % 'delete')
    flavor_api.delete_extra_spec(context, flavor_id, key)
    return '', 200


def _access_body(flavor_id, projects):
    return {'flavor_access': [{'flavor_id': flavor_id, 'tenant_id': p}
                              for p in projects]}


@bp.get('/os-flavor-access')
def access_index(flavor_id):
    """200 ``{"flavor_access": [...]}``; 404 for a public flavor."""
    context = _context(extra_policies.ACCESS)
    return _access_body(flavor_id, flavor_api.get_access(context,
                                                         flavor_id))


@bp.post('/action')
def action(flavor_id):
    """200 ``{"flavor_access": [...]}`` after addTenantAccess or
    removeTenantAccess."""
    ((name, args),) = openstack.body().items()
    if name == 'addTenantAccess':
        context = _context(extra_policies.ADD_ACCESS)
        projects = flavor_api.add_access(
            context, flavor_id, args['tenant'],
            refuse_public=microversion.at_least('2.7'))
    else:
        context = _context(extra_policies.REMOVE_ACCESS)
        projects = flavor_api.remove_access(context, flavor_id,
                                            args['tenant'])
    return _access_body(flavor_id, projects)
