"""Flavors, for the compute API (``/v2.1/flavors``, os-extra_specs,
os-flavor-access), the CloudStack service offerings and server create.

A private flavor (``is_public`` false) is visible to admins and to the
projects given access to it (compute API reference, "Flavors access");
to others it does not exist (FlavorNotFound, 404), in lists as on
create. Units: ``memory_mb`` MiB, ``root_gb`` and ``ephemeral_gb`` GiB,
``swap`` MiB.
"""
from nova_lite.db import flavor_extras
from nova_lite.db import flavors as flavor_db
from nova_lite import exception


def get_all(context, is_public=True, min_memory_mb=None, min_root_gb=None,
            marker=None, limit=None, name=None):
    """Flavors by flavorid order (dicts of ``flavors`` columns); ``name``
    is a regular expression searched in their names.

    :param is_public: True public flavors (and, for a non-admin, the
        private ones its project has access to), False private ones,
        None all; non-admins always get the True list
    :raises: Invalid (400) when ``marker`` is not a flavor id
    """
    project_id = None
    if not context.is_admin:
        is_public, project_id = True, context.project_id
    return flavor_db.flavor_get_all(
        context, is_public=is_public, min_memory_mb=min_memory_mb,
        min_root_gb=min_root_gb, marker=marker, limit=limit,
        project_id=project_id, name=name)


def get(context, flavorid):
    """The flavor dict of ``flavorid``, when the caller may see it.

    :raises: FlavorNotFound (404), also for a private flavor unless admin
        or given access
    """
    return _visible(context, flavor_db.flavor_get_by_flavorid(context,
                                                              flavorid))


def get_with_extra_specs(context, flavorid):
    """``get`` with the flavor's ``extra_specs`` ({key: value}), read
    together (one SELECT for a public flavor): the copy a server keeps.

    :raises: FlavorNotFound (404), as ``get``
    """
    return _visible(context, flavor_db.flavor_get_with_extra_specs(
        context, flavorid))


def _visible(context, flavor):
    """``flavor`` when the caller may see it (public, admin, or its
    project was given access).

    :raises: FlavorNotFound (404)
    """
    if not flavor['is_public'] and not context.is_admin and \
            not flavor_extras.access_allowed(context, flavor['id'],
                                             context.project_id):
        raise exception.FlavorNotFound(flavor_id=flavor['flavorid'])
    return flavor


def create(context, values):
    """Create a flavor from ``flavors`` column values (``flavorid`` made
    up when absent); returns its dict.

    :raises: FlavorExists (409) for a taken name or id
    """
    return flavor_db.flavor_create(context, values)


def update_description(context, flavorid, description):
    """Set (or with None clear) a flavor's description (compute API
    microversion 2.55); returns the flavor dict.

    :raises: FlavorNotFound (404)
    """
    return flavor_db.flavor_update_description(context, flavorid,
                                               description)


def delete(context, flavorid):
    """Delete a flavor (servers keep their copy of its sizes).

    :raises: FlavorNotFound (404)
    """
    flavor_db.flavor_destroy(context, flavorid)


# ------------------------------------------------------------ extra specs

def get_extra_specs(context, flavorid):
    """``{key: value}`` of a visible flavor.

    :raises: FlavorNotFound (404)
    """
    return flavor_extras.extra_specs_get(context,
                                         get(context, flavorid)['id'])


def with_all_extra_specs(context, flavors):
    """``flavors`` (dicts) each with its ``extra_specs`` added; one
    SELECT (microversion 2.61's flavor bodies)."""
    specs = flavor_extras.extra_specs_of(context, [f['id'] for f in flavors])
    return [dict(f, extra_specs=specs[f['id']]) for f in flavors]


def with_extra_specs(context, flavor):
    """``flavor`` (a flavor dict) with its ``extra_specs`` ({key:
    value}) added: the copy a server keeps (microversion 2.47)."""
    return dict(flavor, extra_specs=flavor_extras.extra_specs_get(
        context, flavor['id']))


def update_extra_specs(context, flavorid, specs):
    """Set ``specs`` (string values) on a flavor; returns them.

    :raises: FlavorNotFound (404)
    """
    flavor = flavor_db.flavor_get_by_flavorid(context, flavorid)
    flavor_extras.extra_specs_update_or_create(context, flavor['id'], specs)
    return specs


def delete_extra_spec(context, flavorid, key):
    """:raises: FlavorNotFound, NotFound (404) for an unknown key"""
    flavor = flavor_db.flavor_get_by_flavorid(context, flavorid)
    flavor_extras.extra_spec_delete(context, flavor['id'], key)


# ----------------------------------------------------------------- access

class PublicFlavorAccess(exception.NovaLiteException):
    """The access list of a public flavor does not exist (404 to list
    it; 409 to add to it from microversion 2.7)."""
    msg_fmt = 'Access list not available for public flavors.'
    code = 404


def get_access(context, flavorid):
    """Project ids with access to a private flavor.

    :raises: FlavorNotFound, PublicFlavorAccess (404)
    """
    flavor = flavor_db.flavor_get_by_flavorid(context, flavorid)
    if flavor['is_public']:
        raise PublicFlavorAccess()
    return flavor_extras.access_get(context, flavor['id'])


def add_access(context, flavorid, project_id, refuse_public=True):
    """Give ``project_id`` access; returns the access list.

    :param refuse_public: a public flavor is a 409 (microversion 2.7);
        else the access is recorded (it matters once the flavor is made
        private, as before 2.7)
    :raises: FlavorNotFound (404), Conflict (409) when the project
        already has access or the flavor is public and refused
    """
    flavor = flavor_db.flavor_get_by_flavorid(context, flavorid)
    if flavor['is_public'] and refuse_public:
        raise exception.Conflict(
            'Can not add access to a public flavor.')
    flavor_extras.access_add(context, flavor['id'], project_id)
    return flavor_extras.access_get(context, flavor['id'])


def remove_access(context, flavorid, project_id):
    """Take access away; returns the access list.

    :raises: FlavorNotFound, NotFound (404) without such access
    """
    flavor = flavor_db.flavor_get_by_flavorid(context, flavorid)
    flavor_extras.access_remove(context, flavor['id'], project_id)
    return flavor_extras.access_get(context, flavor['id'])
