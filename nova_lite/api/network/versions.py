"""Version documents and extensions of the Networking API (Networking
API reference, "API versions", "Extensions"):

- ``GET /network``: ``{"versions": [{"id": "v2.0", "status": "CURRENT",
  "links": [self]}]}``, without authentication;
- ``GET /network/v2.0``: the resources ``{"resources": [{"name",
  "collection", "links"}]}``;
- ``GET /network/v2.0/extensions``: ``{"extensions": [{"alias", "name",
  "description", "updated", "links": []}]}``, exactly the extensions
  nova_lite implements (EXTENSIONS), and ``GET
  .../extensions/{alias}``: ``{"extension": {...}}`` or 404.
"""
import flask

from nova_lite.api.network import common
from nova_lite.api import openstack
from nova_lite.network import errors

bp = flask.Blueprint('network_versions', __name__)

#: (alias, name, description): what nova_lite's Networking API does.
EXTENSIONS = (
    ('security-group', 'security-group',
     'Security groups and their rules; ports and servers are in groups.'),
    ('external-net', 'Neutron external network',
     'The router:external attribute of networks (set by admins).'),
    ('binding', 'Port Binding',
     'binding:host_id (admins), binding:vif_type, binding:vnic_type, '
     'binding:vif_details and binding:profile of ports.'),
    ('project-id', 'project_id field enabled',
     'project_id besides tenant_id on every resource.'),
    ('net-mtu', 'Network MTU', 'The mtu attribute of networks.'),
    ('standard-attr-description', 'standard-attr-description',
     'The description attribute of resources.'),
    ('standard-attr-timestamp', 'Resource timestamps',
     'created_at and updated_at of resources.'),
    ('standard-attr-revisions', 'Resource revision numbers',
     'revision_number of resources, incremented on each change.'),
    ('pagination', 'Pagination support',
     'limit, marker and page_reverse on lists.'),
    ('sorting', 'Sorting support', 'sort_key and sort_dir on lists.'),
    ('ip-substring-filtering', 'IP address substring filtering',
     'fixed_ips=ip_address_substr=... filters ports.'),
    ('router', 'Neutron L3 Router',
     'Routers (an external gateway and subnet interfaces) and floating '
     'IPs (1:1 NAT of an external address to a fixed IP).'),
    ('quotas', 'Quota management support',
     'Per-project limits of networks, subnets, ports, routers and '
     'floating IPs '
     '(/v2.0/quotas/{project_id}).'),
)
UPDATED = '2026-12-06T00:00:00-00:00'
#: Resources of ``GET /v2.0``: (name, collection, path).
RESOURCES = (('network', 'networks', 'networks'),
             ('subnet', 'subnets', 'subnets'), ('port', 'ports', 'ports'),
             ('security_group', 'security_groups', 'security-groups'),
             ('security_group_rule', 'security_group_rules',
              'security-group-rules'),
             ('router', 'routers', 'routers'),
             ('floatingip', 'floatingips', 'floatingips'))


def _v2_url():
    return openstack.base_url() + 'network/v2.0/'


@bp.get('/network')
def index():
    """200 with the versions (no token needed)."""
    return {'versions': [{'id': 'v2.0', 'status': 'CURRENT', 'links': [
        {'rel': 'self', 'href': _v2_url()}]}]}


@bp.get('/network/v2.0')
def resources():
    """200 with the collections of v2.0."""
    common.context()
    return {'resources': [{'name': name, 'collection': collection,
                           'links': [{'rel': 'self',
                                      'href': _v2_url() + path}]}
                          for name, collection, path in RESOURCES]}


def _extension(alias, name, description):
    return {'alias': alias, 'name': name, 'description': description,
            'updated': UPDATED, 'links': []}


@bp.get('/network/v2.0/extensions')
def extensions():
    """200 ``{"extensions": [...]}``."""
    common.context()
    return {'extensions': [_extension(*e) for e in EXTENSIONS]}


@bp.get('/network/v2.0/extensions/<alias>')
def extension(alias):
    """200 ``{"extension": {...}}``; 404 for an alias not listed."""
    common.context()
    for found in EXTENSIONS:
        if found[0] == alias:
            return {'extension': _extension(*found)}
    raise errors.ExtensionNotFound(alias=alias[:64])
