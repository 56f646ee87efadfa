"""The CloudStack ``securitygroup`` object (CloudStack API reference,
listSecurityGroups response) of Networking API security groups, and the
``ingressrule``/``egressrule`` objects of their rules.

A group: id, name, description, account, domainid, domain, projectid,
ingressrule[], egressrule[], virtualmachinecount, virtualmachineids[],
tags[]. A rule: ruleid, protocol (tcp, udp, icmp, all, or the IANA
number as text for others), startport/endport (TCP and UDP),
icmptype/icmpcode (ICMP; -1 for any), and the other side: ``cidr``
(``0.0.0.0/0`` or ``::/0`` for anywhere) or ``securitygroupname`` with
its ``account``; ``ethertype`` (IPv4, IPv6).
"""
from nova_lite.network import security_groups as sg_api
from nova_lite.network import sg_rules

_ANYWHERE = {'IPv4': '0.0.0.0/0', 'IPv6': '::/0'}
#: CloudStack's name of "any protocol".
ALL = 'all'


def protocol_name(protocol):
    """CloudStack's protocol of a stored one (None → ``all``; ICMPv6 is
    ``icmp`` with ethertype IPv6, as CloudStack writes it)."""
    if protocol is None:
        return ALL
    if sg_rules.protocol_number(protocol) in sg_rules.ICMP_PROTOCOLS:
        return 'icmp'
    return protocol


def rule_view(rule, remote):
    """An ``ingressrule``/``egressrule`` of a rule dict; ``remote`` is
    ``(name, account)`` of its remote group (None without one)."""
    protocol = protocol_name(rule['protocol'])
    view = {'ruleid': rule['uuid'], 'protocol': protocol,
            'ethertype': rule['ethertype'], 'tags': []}
    low, high = rule['port_range_min'], rule['port_range_max']
    if protocol == 'icmp':
        view['icmptype'] = -1 if low is None else low
        view['icmpcode'] = -1 if high is None else high
    elif sg_rules.protocol_number(rule['protocol']) in \
            sg_rules.PORT_PROTOCOLS:
        view['startport'] = 1 if low is None else low
        view['endport'] = 65535 if high is None else high
    if rule['remote_group_id'] is not None:
        view['securitygroupname'], view['account'] = remote or (
            rule['remote_group_uuid'], '')
    else:
        view['cidr'] = sg_rules.network_of(rule['remote_ip_prefix']) or \
            _ANYWHERE[rule['ethertype']]
    return view


class SecurityGroupViews:
    """Renders ``securitygroup`` objects for one request: ``load`` reads
    the groups' rules, members and remote groups once for a list."""

    def __init__(self, request, groups, members, names):
        self.request = request
        self.groups = groups
        self.members = members
        self.names = names

    @classmethod
    def load(cls, request, groups):
        """Views of ``groups`` (group dicts, with or without rules)."""
        ctx = request.context
        groups = {g['id']: g for g in sg_api.with_rules(ctx, groups)}
        members = sg_api.members_of_groups(ctx, list(groups))
        remote_ids = {r['remote_group_uuid'] for g in groups.values()
                      for r in g['rules'] if r['remote_group_uuid']}
        names = {g['uuid']: (g['name'], cls.account(request, g))
                 for g in sg_api.list_groups(ctx)
                 if g['uuid'] in remote_ids}
        return cls(request, groups, members, names)

    @staticmethod
    def account(request, group):
        """The account of a group: the caller's account name for its
        project's groups, else the project id."""
        if group['project_id'] == request.context.project_id:
            return request.identity.project_name
        return group['project_id']

    def render(self, group):
        """The ``securitygroup`` object of a group dict."""
        full = self.groups[group['id']]
        rules = [rule_view(r, self.names.get(r['remote_group_uuid']))
                 for r in full['rules']]
        vms = sorted(self.members.get(group['id'], []))
        identity = self.request.identity
        view = {
            'id': group['uuid'], 'name': group['name'],
            'description': group['description'] or '',
            'account': self.account(self.request, group),
            'projectid': group['project_id'],
            'ingressrule': [v for v, r in zip(rules, full['rules'],
                                              strict=True)
                            if r['direction'] == 'ingress'],
            'egressrule': [v for v, r in zip(rules, full['rules'],
                                             strict=True)
                           if r['direction'] == 'egress'],
            'virtualmachinecount': len(vms), 'virtualmachineids': vms,
            'tags': [],
        }
        if group['project_id'] == identity.project_id:
            view.update(domainid=identity.domain_id,
                        domain=identity.domain_name or 'ROOT')
        return view
