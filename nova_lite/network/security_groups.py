"""Security groups with the Networking API's semantics (Networking API
reference, "Security groups (security-groups)"), shared by the
Networking API (``nova_lite.api.network``) and the compute API (groups
of servers):

- each project has a ``default`` group, made on its first use (listing,
  showing or creating groups, or creating a server), with rules that
  let everything out (IPv4 and IPv6) and let in what comes from the
  group's members; no other group may be named ``default``, the default
  group cannot be renamed, and only an admin may delete it;
- a new group lets everything out (an egress rule per ethertype);
- a group whose servers still exist cannot be deleted (409); deleting a
  group deletes its rules and the rules naming it as remote group;
- rules are validated by ``sg_rules``; a rule equal to one of its group
  is a 409 naming the existing rule.

Visibility: an admin sees every project's groups, others their
project's only (someone else's group is a 404, as Neutron answers).
"""
from oslo_log import log as logging

from nova_lite.db import security_groups as sg_db
from nova_lite.network import errors
from nova_lite.network import port_security
from nova_lite.network import sg_rules
from nova_lite import policy

LOG = logging.getLogger(__name__)
DEFAULT_NAME = 'default'
DEFAULT_DESCRIPTION = 'Default security group'
_EGRESS = [{'direction': 'egress', 'ethertype': ethertype}
           for ethertype in ('IPv4', 'IPv6')]
_INGRESS_FROM_MEMBERS = [{'direction': 'ingress', 'ethertype': ethertype,
                          'remote_group_id': True}
                         for ethertype in ('IPv4', 'IPv6')]


def _rule_values(rules):
    return [dict({'protocol': None, 'port_range_min': None,
                  'port_range_max': None, 'remote_ip_prefix': None,
                  'remote_group_id': None, 'description': ''}, **rule)
            for rule in rules]


def is_admin(context):
    return policy.check_is_admin(context)


def ensure_default(context, project_id):
    """The project's default group, created with its rules if absent."""
    group = sg_db.default_group_get(context, project_id)
    if group is None:
        group = sg_db.group_create(
            context, project_id, DEFAULT_NAME, DEFAULT_DESCRIPTION,
            _rule_values(_EGRESS + _INGRESS_FROM_MEMBERS), default=True)
        LOG.info('Default security group %s of project %s created',
                 group['uuid'], project_id)
    return group


def visible(context, group):
    return is_admin(context) or group['project_id'] == context.project_id


def get_group(context, group_uuid):
    """A group the caller may see. :raises: SecurityGroupNotFound"""
    try:
        group = sg_db.group_get(context, group_uuid)
    except sg_db.SecurityGroupNotFound:
        group = None
    if group is None or not visible(context, group):
        raise errors.SecurityGroupNotFound(id=group_uuid)
    return group


def list_groups(context):
    """Groups the caller may see (all for admins), with ``rules``
    (list of rule dicts) and ``is_default``; the caller's default group
    is made first."""
    ensure_default(context, context.project_id)
    project = None if is_admin(context) else context.project_id
    return with_rules(context, sg_db.group_list(context, project))


def with_rules(context, groups):
    """``groups`` with ``rules`` and ``is_default`` set."""
    ids = [g['id'] for g in groups]
    rules = {}
    for rule in sg_db.rule_list(context, ids) if ids else ():
        rules.setdefault(rule['security_group_id'], []).append(rule)
    defaults = sg_db.default_group_ids(context, ids) if ids else set()
    return [dict(g, rules=rules.get(g['id'], []),
                 is_default=g['id'] in defaults) for g in groups]


def _check_name(name, attribute='name'):
    if not isinstance(name, str) or len(name) > 255:
        raise errors.BadRequest(attribute=attribute, reason='a string of '
                                'at most 255 characters is required')
    if name.lower() == DEFAULT_NAME:
        raise errors.SecurityGroupDefaultAlreadyExists()


def _description(value):
    """A description ('' for None). :raises: BadRequest"""
    value = value or ''
    if not isinstance(value, str) or len(value) > 255:
        raise errors.BadRequest(attribute='description', reason='a string '
                                'of at most 255 characters is required')
    return value


def create_group(context, project_id, name, description):
    """A new group of ``project_id`` with the egress rules.

    :raises: BadRequest, SecurityGroupDefaultAlreadyExists (409) for
        the name ``default``
    """
    _check_name(name)
    description = _description(description)
    ensure_default(context, project_id)
    group = sg_db.group_create(context, project_id, name, description,
                               _rule_values(_EGRESS))
    LOG.info('Security group %s (%s) of project %s created', group['uuid'],
             name, project_id)
    return with_rules(context, [group])[0]


def update_group(context, group, values):
    """Rename or describe a group.

    :raises: SecurityGroupCannotUpdateDefault (409) renaming the
        default group, SecurityGroupDefaultAlreadyExists (409) naming a
        group ``default``, BadRequest
    """
    is_default = with_rules(context, [group])[0]['is_default']
    if 'name' in values:
        if is_default and values['name'] != DEFAULT_NAME:
            raise errors.SecurityGroupCannotUpdateDefault()
        if not is_default:
            _check_name(values['name'])
    if 'description' in values:
        values = dict(values,
                      description=_description(values['description']))
    return with_rules(context, [sg_db.group_update(
        context, group['id'], values)])[0]


def delete_group(context, group):
    """:raises: SecurityGroupCannotRemoveDefault (409, non-admins),
    SecurityGroupInUse (409) while servers are in it"""
    if with_rules(context, [group])[0]['is_default'] \
            and not is_admin(context):
        raise errors.SecurityGroupCannotRemoveDefault()
    if sg_db.instances_of_group(context, group['id']):
        raise errors.SecurityGroupInUse(id=group['uuid'])
    sg_db.group_delete(context, group['id'])
    LOG.info('Security group %s deleted', group['uuid'])


# ------------------------------------------------------------------- rules

def get_rule(context, rule_uuid):
    """A rule of a group the caller may see.
    :raises: SecurityGroupRuleNotFound"""
    try:
        rule = sg_db.rule_get(context, rule_uuid)
    except sg_db.SecurityGroupRuleNotFound:
        rule = None
    if rule is None or not (is_admin(context)
                            or rule['project_id'] == context.project_id):
        raise errors.SecurityGroupRuleNotFound(id=rule_uuid)
    return rule


def list_rules(context):
    """Rules the caller may see (all for admins)."""
    ensure_default(context, context.project_id)
    project = None if is_admin(context) else context.project_id
    return sg_db.rule_list(context, project_id=project)


def create_rule(context, body):
    """Add the rule of a create body (``security_group_id`` and
    ``remote_group_id`` are group uuids).

    :raises: BadRequest, SecurityGroupNotFound (404) for a group or
        remote group the caller cannot see, SecurityGroupRuleExists (409)
    """
    values = sg_rules.normalize(body)
    group_uuid = body.get('security_group_id')
    if not isinstance(group_uuid, str):
        raise errors.BadRequest(attribute='security_group_id',
                                reason='a security group id is required')
    group = get_group(context, group_uuid)
    remote_uuid = body.get('remote_group_id')
    values['remote_group_id'] = None
    if remote_uuid is not None:
        if not isinstance(remote_uuid, str):
            raise errors.BadRequest(attribute='remote_group_id',
                                    reason='a security group id is '
                                    'required')
        values['remote_group_id'] = get_group(context, remote_uuid)['id']
    duplicate = sg_rules.find_duplicate(
        values, sg_db.rule_list(context, [group['id']]))
    if duplicate is not None:
        raise errors.SecurityGroupRuleExists(rule_id=duplicate['uuid'])
    values['project_id'] = group['project_id']
    rule = sg_db.rule_create(context, group['id'], values)
    LOG.info('Security group rule %s added to %s', rule['uuid'],
             group['uuid'])
    port_security.refresh_rules(context, [group['id']])
    return rule


def delete_rule(context, rule):
    """Delete a rule; its group's members' computes are told."""
    sg_db.rule_delete(context, rule['id'], rule['security_group_id'])
    LOG.info('Security group rule %s deleted', rule['uuid'])
    port_security.refresh_rules(context, [rule['security_group_id']])


# ----------------------------------------------------------------- servers

def resolve_for_server(context, names):
    """The groups of a new server from the names (or ids) of its create
    request (compute API "Create Server" ``security_groups``; the
    project's default group when none is given).

    :returns: list of group dicts, without repeats
    :raises: BadRequest (400) for a name no group of the project has,
        SecurityGroupNotUnique (409) when several have it
    """
    found = {}
    for name in dict.fromkeys(names or [DEFAULT_NAME]):
        try:
            group = find_for_server(context, name)
        except errors.SecurityGroupNotFound:
            raise errors.BadRequest(attribute='security_groups',
                                    reason='security group %s not found'
                                    % name) from None
        found[group['id']] = group
    return list(found.values())


class SecurityGroupNotUnique(errors.NetworkError):
    """409 at server create (compute API: ``NoUniqueMatch``)."""
    msg_fmt = "Multiple security groups found matching '%(name)s'. " \
              'Use an ID to be more specific.'
    code = 409


def names_of_instances(context, instance_uuids):
    """``{instance uuid: [group name, ...]}`` (group order, no
    repeats)."""
    return {uuid: list(dict.fromkeys(g['name'] for g in groups))
            for uuid, groups in sg_db.groups_of_instances(
                context, instance_uuids).items()}


def find_for_server(context, name):
    """The caller's project's group named (or with the id) ``name``.

    :raises: SecurityGroupNotFound (404), SecurityGroupNotUnique (409)
    """
    if name == DEFAULT_NAME:
        return ensure_default(context, context.project_id)
    groups = sg_db.group_list(context, context.project_id)
    matches = [g for g in groups if g['uuid'] == name] or \
        [g for g in groups if g['name'] == name]
    if not matches:
        raise errors.SecurityGroupNotFound(id=name)
    if len(matches) > 1:
        raise SecurityGroupNotUnique(name=name)
    return matches[0]


def add_to_instance(context, instance_uuid, name):
    """Put a server in the group ``name`` (compute API
    ``addSecurityGroup``).

    :raises: SecurityGroupNotFound (404), SecurityGroupNotUnique (409),
        BadRequest (400) when the server is in it already
    """
    group = find_for_server(context, name)
    current = sg_db.groups_of_instances(context, [instance_uuid]).get(
        instance_uuid, [])
    if any(g['id'] == group['id'] for g in current):
        raise errors.BadRequest(attribute='addSecurityGroup', reason='the '
                                'server is in security group %s already'
                                % name)
    sg_db.instances_add(context, [instance_uuid], [group['id']])
    LOG.info('Instance %s added to security group %s', instance_uuid,
             group['uuid'])
    port_security.refresh_members(context, [group['id']], [instance_uuid])


def remove_from_instance(context, instance_uuid, name):
    """Take a server out of the group ``name`` (``removeSecurityGroup``).

    :raises: SecurityGroupNotFound (404), BadRequest (400) when the
        server is not in it
    """
    group = find_for_server(context, name)
    if not sg_db.instances_remove(context, instance_uuid, [group['id']]):
        raise errors.BadRequest(attribute='removeSecurityGroup', reason='the '
                                'server is not in security group %s' % name)
    LOG.info('Instance %s removed from security group %s', instance_uuid,
             group['uuid'])
    port_security.refresh_members(context, [group['id']], [instance_uuid])


def groups_of_instance(context, instance_uuid):
    """The groups (with rules) of a server."""
    return with_rules(context, sg_db.groups_of_instances(
        context, [instance_uuid]).get(instance_uuid, []))


def members_of_groups(context, group_ids):
    """``{group id: [uuid of a live instance in it]}`` (groups without
    members are absent); ``group_ids`` are the integer ids of group
    dicts."""
    return sg_db.instances_of_groups(context, group_ids)


def groups_of_instances(context, instance_uuids):
    """``{instance uuid: [group dict, ...]}`` of the given servers."""
    return sg_db.groups_of_instances(context, instance_uuids)
