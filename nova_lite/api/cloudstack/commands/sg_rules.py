"""Security group rules (CloudStack API reference, "Security Group":
authorizeSecurityGroupIngress, authorizeSecurityGroupEgress,
revokeSecurityGroupIngress, revokeSecurityGroupEgress), stored as the
Networking API's rules (``nova_lite.network.security_groups.
create_rule``/``delete_rule``, which also cast the refresh of the
group's members to their computes, doc/network-api.md "Enforcement").

Authorize (asynchronous in CloudStack; here its job is complete when
it is returned, with the group as result): the group by
``securitygroupid`` or ``securitygroupname``; ``protocol`` tcp
(default), udp, icmp, all, or an IANA number; ``startport``/``endport``
for TCP and UDP (``endport`` defaults to ``startport``);
``icmptype``/``icmpcode`` for ICMP (-1: any); and the other side, one
rule each: every CIDR of ``cidrlist`` (IPv4 or IPv6) and every group of
``usersecuritygrouplist`` (``usersecuritygrouplist[0].group=NAME``,
``usersecuritygrouplist[0].account=ACCOUNT``: a group of the caller's
account, IPv4). A rule the group has already is left as it is, as
CloudStack does. Every rule is checked before any is stored.

Revoke (asynchronous, by rule ``id``): a rule of the command's
direction. Errors are 431 (bad or unknown parameters); events
SG.AUTH.INGRESS, SG.AUTH.EGRESS, SG.REVOKE.INGRESS, SG.REVOKE.EGRESS.
"""
import ipaddress

from nova_lite.api.cloudstack.commands import security_groups as sg_cmd
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import sg_views
from nova_lite.network import errors as network_errors
from nova_lite.network import security_groups as sg_api
from nova_lite.network import sg_rules

#: CloudStack's protocol names → the stored protocol (None: any).
PROTOCOLS = {'tcp': 'tcp', 'udp': 'udp', 'icmp': 'icmp', 'all': None}
_PORT = (1, 65535)
_ICMP = (-1, 255)


def _protocol(request):
    """The stored protocol of ``protocol`` (tcp by default).
    :raises: InvalidParameter (431)"""
    value = (request.params['protocol'] or 'tcp').strip().lower()
    if value in PROTOCOLS:
        return PROTOCOLS[value]
    if value.isdigit() and 0 <= int(value) <= 255:
        return str(int(value))
    raise sg_cmd.invalid(request, 'protocol', value, 'tcp, udp, icmp, all '
                         'or a protocol number from 0 to 255')


def _in_range(request, name, bounds):
    value = request.params[name]
    if value is not None and not bounds[0] <= value <= bounds[1]:
        raise sg_cmd.invalid(request, name, value, 'must be from %d to %d'
                             % bounds)
    return value


def _refuse(request, protocol, names):
    for name in names:
        if request.params[name] is not None:
            raise sg_cmd.invalid(request, name, request.params[name],
                                 'not allowed with protocol %s'
                                 % sg_views.protocol_name(protocol))


def _ports(request, protocol):
    """``(port_range_min, port_range_max)`` of the protocol's parameters.
    :raises: InvalidParameter (431)"""
    number = sg_rules.protocol_number(protocol)
    if number in sg_rules.ICMP_PROTOCOLS:
        _refuse(request, protocol, ('startport', 'endport'))
        icmp_type = _in_range(request, 'icmptype', _ICMP)
        icmp_code = _in_range(request, 'icmpcode', _ICMP)
        icmp_type = None if icmp_type in (None, -1) else icmp_type
        icmp_code = None if icmp_code in (None, -1) else icmp_code
        if icmp_type is None and icmp_code is not None:
            raise sg_cmd.invalid(request, 'icmpcode', icmp_code, 'an ICMP '
                                 'code needs an icmptype')
        return icmp_type, icmp_code
    _refuse(request, protocol, ('icmptype', 'icmpcode'))
    if number not in sg_rules.PORT_PROTOCOLS:
        _refuse(request, protocol, ('startport', 'endport'))
        return None, None
    start = _in_range(request, 'startport', _PORT)
    end = _in_range(request, 'endport', _PORT)
    if start is None:
        if number in (6, 17):
            raise errors.InvalidParameter(
                'Unable to execute API command %s due to missing parameter '
                'startport (protocol %s needs a port range)'
                % (request.command.name.lower(), protocol))
        if end is not None:
            raise sg_cmd.invalid(request, 'endport', end, 'needs a '
                                 'startport')
        return None, None
    end = start if end is None else end
    if start > end:
        raise sg_cmd.invalid(request, 'endport', end, 'smaller than '
                             'startport %d' % start)
    return start, end


def _cidr_sides(request):
    sides = []
    for cidr in request.params['cidrlist'] or ():
        try:
            network = ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            raise sg_cmd.invalid(request, 'cidrlist', cidr, 'not a CIDR') \
                from None
        sides.append({'ethertype': 'IPv%d' % network.version,
                      'remote_ip_prefix': cidr})
    return sides


def _group_sides(request):
    sides = []
    for entry in request.params['usersecuritygrouplist'] or ():
        name = entry.get('group')
        account = entry.get('account')
        if not name:
            raise sg_cmd.invalid(request, 'usersecuritygrouplist', entry,
                                 'each entry needs a group')
        if account and account != request.identity.project_name:
            raise sg_cmd.invalid(request, 'usersecuritygrouplist', account,
                                 'only groups of the caller\'s account '
                                 'can be named')
        group = sg_cmd.find_group(request, None, name,
                                  name_param='usersecuritygrouplist')
        sides.append({'ethertype': 'IPv4',
                      'remote_group_id': group['uuid']})
    return sides


def _bodies(request, group, direction):
    """The Networking API rule bodies of an authorize call, checked.
    :raises: InvalidParameter (431)"""
    protocol = _protocol(request)
    low, high = _ports(request, protocol)
    sides = _cidr_sides(request) + _group_sides(request)
    if not sides:
        raise errors.InvalidParameter(
            'Unable to execute API command %s: give at least one CIDR '
            '(cidrlist) or security group (usersecuritygrouplist)'
            % request.command.name.lower())
    bodies = [dict(side, security_group_id=group['uuid'],
                   direction=direction, protocol=protocol,
                   port_range_min=low, port_range_max=high)
              for side in sides]
    for body in bodies:
        try:
            sg_rules.normalize(body)
        except network_errors.BadRequest as exc:
            raise errors.InvalidParameter(
                'Unable to execute API command %s: %s'
                % (request.command.name.lower(), exc.format_message())) \
                from None
    return bodies


def _create(request, bodies):
    """Store the rules the group does not have yet (all or none)."""
    ctx, created = request.context, []
    try:
        for body in bodies:
            try:
                created.append(sg_api.create_rule(ctx, body))
            except network_errors.SecurityGroupRuleExists:
                continue
    except Exception:
        for rule in created:
            sg_api.delete_rule(ctx, rule)
        raise
    return created


def _authorize(request, direction, event_type):
    params = request.params
    group = sg_cmd.find_group(request, params['securitygroupid'],
                              params['securitygroupname'],
                              'securitygroupid', 'securitygroupname')
    sg_cmd.authorize(request, 'create_security_group_rule',
                     group['project_id'])
    created = _create(request, _bodies(request, group, direction))
    for rule in created:
        sg_cmd.record(request, event_type, 'Successfully completed '
                      'authorizing %s rule %s of security group %s'
                      % (direction, rule['uuid'], group['uuid']),
                      group['uuid'])
    view = sg_views.SecurityGroupViews.load(request, [group]).render(group)
    job = jobs.create(request, instance_uuid=group['uuid'],
                      resource_type='SecurityGroup',
                      result={'securitygroup': view})
    return {'jobid': job['uuid']}


_RULE_PARAMS = (
    P.Parameter('securitygroupid', P.UUID, description='the group ID'),
    P.Parameter('securitygroupname', description='the group name (of '
                'the caller\'s account)'),
    P.Parameter('protocol', description='tcp (default), udp, icmp, all, '
                'or a protocol number'),
    P.Parameter('startport', P.INTEGER, 'first port (TCP, UDP)'),
    P.Parameter('endport', P.INTEGER, 'last port (TCP, UDP; startport by '
                'default)'),
    P.Parameter('icmptype', P.INTEGER, 'ICMP type (-1: any)'),
    P.Parameter('icmpcode', P.INTEGER, 'ICMP code (-1: any)'),
    P.Parameter('cidrlist', P.LIST, description='CIDRs of the other '
                'side, comma-separated'),
    P.Parameter('usersecuritygrouplist', P.MAP, description='groups of '
                'the other side: usersecuritygrouplist[0].group=NAME '
                '(and .account=ACCOUNT)'),
)


@command('authorizeSecurityGroupIngress', is_async=True, role=MEMBER,
         response_object='securitygroup', params=_RULE_PARAMS)
def authorize_security_group_ingress(request):
    """Lets traffic into a security group's VMs."""
    return _authorize(request, 'ingress', 'SG.AUTH.INGRESS')


@command('authorizeSecurityGroupEgress', is_async=True, role=MEMBER,
         since='3.0.0', response_object='securitygroup',
         params=_RULE_PARAMS)
def authorize_security_group_egress(request):
    """Lets traffic out of a security group's VMs."""
    return _authorize(request, 'egress', 'SG.AUTH.EGRESS')


def _revoke(request, direction, event_type):
    ctx, rule_id = request.context, request.params['id']
    try:
        rule = sg_api.get_rule(ctx, rule_id)
    except network_errors.SecurityGroupRuleNotFound:
        raise sg_cmd.invalid(request, 'id', rule_id, 'no such security '
                             'group rule') from None
    if rule['direction'] != direction:
        raise sg_cmd.invalid(request, 'id', rule_id, 'not an %s rule'
                             % direction)
    sg_cmd.authorize(request, 'delete_security_group_rule',
                     rule['project_id'])
    sg_api.delete_rule(ctx, rule)
    sg_cmd.record(request, event_type, 'Successfully completed revoking '
                  '%s rule %s of security group %s'
                  % (direction, rule_id, rule['security_group_uuid']),
                  rule['security_group_uuid'])
    job = jobs.create(request, instance_uuid=rule['security_group_uuid'],
                      resource_type='SecurityGroup',
                      result={'success': True})
    return {'jobid': job['uuid']}


_RULE_ID = P.Parameter('id', P.UUID, required=True,
                       description='the rule ID (ruleid)')


@command('revokeSecurityGroupIngress', is_async=True, role=MEMBER,
         params=(_RULE_ID,))
def revoke_security_group_ingress(request):
    """Deletes an ingress rule of a security group."""
    return _revoke(request, 'ingress', 'SG.REVOKE.INGRESS')


@command('revokeSecurityGroupEgress', is_async=True, role=MEMBER,
         since='3.0.0', params=(_RULE_ID,))
def revoke_security_group_egress(request):
    """Deletes an egress rule of a security group."""
    return _revoke(request, 'egress', 'SG.REVOKE.EGRESS')
