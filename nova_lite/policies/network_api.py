"""Policies of the Networking API (``/network/v2.0``), named as
Neutron names them, with Neutron's secure-RBAC defaults: readers of the
owning project (or admins) read, members (or admins) change; shared
networks and their subnets are readable by everyone (the target's
``shared`` is True); a port's ``binding:host_id``, ``binding:vif_type``
and ``binding:vif_details`` are for admins. The target's
``project_id`` is the resource's project."""
from oslo_policy import policy

from nova_lite.policies import base

_V2 = '/network/v2.0'
_READ_OR_SHARED = base.PROJECT_READER_OR_ADMIN + ' or True:%(shared)s'


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
         + [_op('get_port:binding:host_id', base.ADMIN,
                "Show a port's binding:host_id, binding:vif_type and "
                'binding:vif_details', 'GET', '/ports/{id}')])


def list_rules():
    return rules
