"""Flavor bodies (compute API reference, "Flavors", microversion 2.1;
``description`` in every flavor body from 2.55, ``extra_specs`` in the
detailed ones from 2.61; no ``rxtx_factor`` nor
``OS-FLV-DISABLED:disabled`` from 2.102)."""
from nova_lite.api import microversion
from nova_lite.api import openstack


def basic(flavor):
    """``{"id", "name", "links"}`` (List Flavors), and ``description``
    (null when unset) from 2.55."""
    body = {'id': flavor['flavorid'], 'name': flavor['name'],
            'links': openstack.resource_links('flavors', flavor['flavorid'])}
    if microversion.at_least('2.55'):
        body['description'] = flavor.get('description')
    return body


def detail(flavor):
    """Show Flavor Details: ram in MiB, disk and ephemeral in GiB, swap in
    MiB ("" when 0 before 2.75, 0 from 2.75); ``extra_specs`` when the
    flavor dict has them (from 2.61, for callers who may list them)."""
    body = basic(flavor)
    body.update({
        'ram': flavor['memory_mb'], 'disk': flavor['root_gb'],
        'vcpus': flavor['vcpus'],
        'OS-FLV-EXT-DATA:ephemeral': flavor['ephemeral_gb'],
        'swap': (flavor['swap'] or 0) if microversion.at_least('2.75')
        else (flavor['swap'] or ''),
        'os-flavor-access:is_public': bool(flavor['is_public']),
    })
    if not microversion.at_least('2.102'):
        body.update({'OS-FLV-DISABLED:disabled': bool(flavor['disabled']),
                     'rxtx_factor': flavor['rxtx_factor']})
    if 'extra_specs' in flavor:
        body['extra_specs'] = dict(flavor['extra_specs'])
    return body
