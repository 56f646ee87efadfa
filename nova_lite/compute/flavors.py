"""Flavors, for the compute API (``/v2.1/flavors``), the CloudStack
service offerings and server create.

Without flavor access lists a private flavor (``is_public`` false) is
the admins' only: to others it does not exist (FlavorNotFound, 404), in
lists as on create. Units: ``memory_mb`` MiB, ``root_gb`` and
``ephemeral_gb`` GiB, ``swap`` MiB.
"""
from nova_lite.db import flavors as flavor_db
from nova_lite import exception


def get_all(context, is_public=True, min_memory_mb=None, min_root_gb=None,
            marker=None, limit=None):
    """Flavors by flavorid order (dicts of ``flavors`` columns).

    :param is_public: True public flavors, False private ones, None all;
        non-admins always get public flavors only
    :raises: Invalid (400) when ``marker`` is not a flavor id
    """
    if not context.is_admin:
        is_public = True
    return flavor_db.flavor_get_all(
        context, is_public=is_public, min_memory_mb=min_memory_mb,
        min_root_gb=min_root_gb, marker=marker, limit=limit)


def get(context, flavorid):
    """The flavor dict of ``flavorid``, when the caller may see it.

    :raises: FlavorNotFound (404), also for a private flavor unless admin
    """
    flavor = flavor_db.flavor_get_by_flavorid(context, flavorid)
    if not flavor['is_public'] and not context.is_admin:
        raise exception.FlavorNotFound(flavor_id=flavorid)
    return flavor


def create(context, values):
    """Create a flavor from ``flavors`` column values (``flavorid`` made
    up when absent); returns its dict.

    :raises: FlavorExists (409) for a taken name or id
    """
    return flavor_db.flavor_create(context, values)


def delete(context, flavorid):
    """Delete a flavor (servers keep their copy of its sizes).

    :raises: FlavorNotFound (404)
    """
    flavor_db.flavor_destroy(context, flavorid)
