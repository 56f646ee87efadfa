"""Policies of the Networking API (``/network/v2.0``), named as
Neutron names them, with Neutron's secure-RBAC defaults: readers of the
owning project (or admins) read, members (or admins) change; shared
networks and their subnets are readable by everyone (the target's
``shared`` is True); a port's ``binding:host_id``, ``binding:vif_type``
and ``binding:vif_details`` are for admins, and so are the
``shared`` and ``router:external`` attributes of a network create or
update (``create_network:shared``...) and changes of quotas; a port's
``fixed_ips`` addresses and ``mac_address`` are chosen by admins or the
members of the project owning its network
(``create_port:fixed_ips:ip_address``, ``create_port:mac_address``,
``update_port:...``), as Neutron's defaults say; routers
(``add_router_interface``, ``remove_router_interface`` too) and
floating IPs are their project's, the address of a new floating IP is
chosen by admins (``create_floatingip:floating_ip_address``). The target's
``project_id`` is the resource's project."""
from oslo_policy import policy

from nova_lite.policies import base

_V2 = '/network/v2.0'
_READ_OR_SHARED = base.PROJECT_READER_OR_ADMIN + ' or True:%(shared)s'
#: Admins, or members of the project owning the port's network.
_NETWORK_OWNER = base.ADMIN + ' or (' + base.PROJECT_MEMBER + \
    ' and project_id:%(network:project_id)s)'


def _op(name, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': method, 'path': _V2 + path}],
        scope_types=['project'])


def _crud(resource, collection, read=base.PROJECT_READER_OR_ADMIN):
    item = '/%s/{id}' % collection
    return [
        _op('get_' + resource, read, 'List or show %ss' % resource, 'GET',
            item),
        _op('create_' + resource, base.PROJECT_MEMBER_OR_ADMIN,
            'Create a %s' % resource, 'POST', '/' + collection),
        _op('update_' + resource, base.PROJECT_MEMBER_OR_ADMIN,
            'Update a %s' % resource, 'PUT', item),
        _op('delete_' + resource, base.PROJECT_MEMBER_OR_ADMIN,
            'Delete a %s' % resource, 'DELETE', item),
    ]


rules = (_crud('network', 'networks', _READ_OR_SHARED)
         + _crud('subnet', 'subnets', _READ_OR_SHARED)
         + _crud('port', 'ports')
         + _crud('security_group', 'security-groups')
         + [r for r in _crud('security_group_rule', 'security-group-rules')
            if not r.name.startswith('update_')]
         + _crud('router', 'routers')
         + [_op('%s_router_interface' % verb, base.PROJECT_MEMBER_OR_ADMIN,
                '%s an interface of a router' % verb.capitalize(), 'PUT',
                '/routers/{id}/%s_router_interface' % verb)
            for verb in ('add', 'remove')]
         + _crud('floatingip', 'floatingips')
         + [_op('create_floatingip:floating_ip_address', base.ADMIN,
                'Choose the address of a new floating IP', 'POST',
                '/floatingips')]
         + [_op('get_port:binding:host_id', base.ADMIN,
                "Show a port's binding:host_id, binding:vif_type and "
                'binding:vif_details', 'GET', '/ports/{id}')]
         + [_op('%s_network:%s' % (verb, attr), base.ADMIN,
                '%s a network with %s' % (verb.capitalize(), attr),
                method, path)
            for verb, method, path in (('create', 'POST', '/networks'),
                                       ('update', 'PUT', '/networks/{id}'))
            for attr in ('shared', 'router:external')]
         + [_op('%s_port:%s' % (verb, attr), _NETWORK_OWNER,
                'Choose a port\'s %s on a network of another project '
                '(a shared one)' % attr, method, path)
            for verb, method, path in (('create', 'POST', '/ports'),
                                       ('update', 'PUT', '/ports/{id}'))
            for attr in ('fixed_ips:ip_address', 'mac_address')]
         + [_op('get_quota', base.PROJECT_READER_OR_ADMIN,
                "Show a project's network quotas", 'GET',
                '/quotas/{project_id}'),
            _op('update_quota', base.ADMIN,
                "Change a project's network quotas", 'PUT',
                '/quotas/{project_id}'),
            _op('delete_quota', base.ADMIN,
                "Reset a project's network quotas to the defaults",
                'DELETE', '/quotas/{project_id}')])


def list_rules():
    return rules
