"""SQL of security groups, their rules and the groups of instances
(``nova_lite.db.models_secgroup``). Groups and rules are dicts of their
columns; rules carry ``security_group_uuid`` and ``remote_group_uuid``
(the API ids) besides the integer keys.

The rules Neutron gives a group (defaults, validation, duplicates) are
``nova_lite.network.security_groups``'; this module only stores.
"""
import uuid as uuidlib

from oslo_db import exception as db_exc
import sqlalchemy as sa
from sqlalchemy import orm

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception

SG = models.SecurityGroup
RULE = models.SecurityGroupRule
MEMBER = models.InstanceSecurityGroup
DEFAULT = models.DefaultSecurityGroup


class SecurityGroupNotFound(exception.NotFound):
    """404 (Networking API ``SecurityGroupNotFound``)."""
    msg_fmt = 'Security group %(id)s does not exist'


class SecurityGroupRuleNotFound(exception.NotFound):
    """404 (Networking API ``SecurityGroupRuleNotFound``)."""
    msg_fmt = 'Security group rule %(id)s does not exist'


# ------------------------------------------------------------------ groups

def group_get(context, group_uuid):
    """:raises: SecurityGroupNotFound"""
    with reader(context) as session:
        row = session.scalars(sa.select(SG).filter_by(
            uuid=group_uuid)).first()
        if row is None:
            raise SecurityGroupNotFound(id=group_uuid)
        return to_dict(row)


def group_list(context, project_id=None, names=None, uuids=None):
    """Groups (all projects when ``project_id`` is None), by id;
    ``names``/``uuids`` restrict to those values."""
    query = sa.select(SG).order_by(SG.id)
    if project_id is not None:
        query = query.where(SG.project_id == project_id)
    if names is not None:
        query = query.where(SG.name.in_(list(names)))
    if uuids is not None:
        query = query.where(SG.uuid.in_(list(uuids)))
    with reader(context) as session:
        return [to_dict(r) for r in session.scalars(query)]


def default_group_ids(context, group_ids):
    """The ids among ``group_ids`` that are a project's default group."""
    with reader(context) as session:
        return set(session.scalars(sa.select(DEFAULT.security_group_id).where(
            DEFAULT.security_group_id.in_(list(group_ids)))))


def default_group_get(context, project_id):
    """The project's default group dict, or None."""
    with reader(context) as session:
        row = session.scalars(sa.select(SG).join(
            DEFAULT, DEFAULT.security_group_id == SG.id).where(
            DEFAULT.project_id == project_id)).first()
        return to_dict(row) if row is not None else None


@retry_on_deadlock
def group_create(context, project_id, name, description, rules,
                 default=False):
    """Create a group and its ``rules`` (dicts of rule columns without
    ids; ``remote_group_id`` True means the new group itself).

    With ``default``, the group is the project's default one: when the
    project has one already (a concurrent first use), that one is
    returned and nothing is created.

    :returns: the group dict
    """
    try:
        with writer(context) as session:
            row = SG(uuid=str(uuidlib.uuid4()), project_id=project_id,
                     name=name, description=description, revision_number=0)
            session.add(row)
            session.flush()
            if default:
                session.add(DEFAULT(project_id=project_id,
                                    security_group_id=row.id))
            for rule in rules:
                remote = rule.get('remote_group_id')
                session.add(RULE(**dict(
                    rule, uuid=str(uuidlib.uuid4()),
                    security_group_id=row.id, project_id=project_id,
                    remote_group_id=row.id if remote is True else remote)))
            session.flush()
            return to_dict(row)
    except db_exc.DBDuplicateEntry:
        if not default:
            raise
        return default_group_get(context, project_id)


@retry_on_deadlock
def group_update(context, group_id, values):
    """Set ``values`` (name, description) and bump the revision."""
    with writer(context) as session:
        row = session.get(SG, group_id)
        for key, value in values.items():
            setattr(row, key, value)
        row.revision_number += 1
        row.updated_at = utcnow()
        session.flush()
        return to_dict(row)


@retry_on_deadlock
def group_delete(context, group_id):
    """Delete a group, its rules and the rules of other groups naming
    it as remote group (as Neutron does). Memberships must be gone
    (``instances_of_group``)."""
    with writer(context) as session:
        session.execute(sa.delete(RULE).where(sa.or_(
            RULE.security_group_id == group_id,
            RULE.remote_group_id == group_id)))
        session.execute(sa.delete(DEFAULT).where(
            DEFAULT.security_group_id == group_id))
        session.execute(sa.delete(MEMBER).where(
            MEMBER.security_group_id == group_id))
        session.execute(sa.delete(SG).where(SG.id == group_id))


# ------------------------------------------------------------------- rules

def _rule_query():
    remote = orm.aliased(SG)
    return (sa.select(RULE, SG.uuid, remote.uuid)
            .join(SG, SG.id == RULE.security_group_id)
            .outerjoin(remote, remote.id == RULE.remote_group_id)
            .order_by(RULE.id))


def _rule_dict(row, group_uuid, remote_uuid):
    rule = to_dict(row)
    rule['security_group_uuid'] = group_uuid
    rule['remote_group_uuid'] = remote_uuid
    return rule


def rule_list(context, group_ids=None, project_id=None):
    """Rules of the groups ``group_ids`` (or of the groups of
    ``project_id``, or all), by id."""
    query = _rule_query()
    if group_ids is not None:
        query = query.where(RULE.security_group_id.in_(list(group_ids)))
    if project_id is not None:
        query = query.where(SG.project_id == project_id)
    with reader(context) as session:
        return [_rule_dict(*r) for r in session.execute(query)]


def rule_get(context, rule_uuid):
    """:raises: SecurityGroupRuleNotFound"""
    with reader(context) as session:
        found = session.execute(_rule_query().where(
            RULE.uuid == rule_uuid)).first()
        if found is None:
            raise SecurityGroupRuleNotFound(id=rule_uuid)
        return _rule_dict(*found)


@retry_on_deadlock
def rule_create(context, group_id, values):
    """Add a rule (``values``: rule columns) and bump its group's
    revision; returns the rule dict (with the uuids)."""
    rule_uuid = str(uuidlib.uuid4())
    with writer(context) as session:
        session.add(RULE(uuid=rule_uuid, security_group_id=group_id,
                         **values))
        _bump(session, group_id)
    return rule_get(context, rule_uuid)


@retry_on_deadlock
def rule_delete(context, rule_id, group_id):
    with writer(context) as session:
        session.execute(sa.delete(RULE).where(RULE.id == rule_id))
        _bump(session, group_id)


def _bump(session, group_id):
    session.execute(sa.update(SG).where(SG.id == group_id).values(
        revision_number=SG.revision_number + 1, updated_at=utcnow()))


# ------------------------------------------------------------- memberships

@retry_on_deadlock
def instances_add(context, instance_uuids, group_ids):
    """Put each instance in each group (idempotent)."""
    with writer(context) as session:
        have = set(session.execute(sa.select(
            MEMBER.instance_uuid, MEMBER.security_group_id).where(
            MEMBER.instance_uuid.in_(list(instance_uuids)))).all())
        rows = [{'instance_uuid': i, 'security_group_id': g}
                for i in instance_uuids for g in group_ids
                if (i, g) not in have]
        if rows:
            session.execute(sa.insert(MEMBER), rows)


@retry_on_deadlock
def instances_remove(context, instance_uuid, group_ids=None):
    """Take an instance out of ``group_ids`` (all when None)."""
    query = sa.delete(MEMBER).where(MEMBER.instance_uuid == instance_uuid)
    if group_ids is not None:
        query = query.where(MEMBER.security_group_id.in_(list(group_ids)))
    with writer(context) as session:
        return session.execute(query).rowcount


def groups_of_instances(context, instance_uuids):
    """``{instance uuid: [group dict, ...]}`` (by group id)."""
    found = {}
    if not instance_uuids:
        return found
    with reader(context) as session:
        for uuid, row in session.execute(
                sa.select(MEMBER.instance_uuid, SG)
                .join(SG, SG.id == MEMBER.security_group_id)
                .where(MEMBER.instance_uuid.in_(list(instance_uuids)))
                .order_by(SG.id)):
            found.setdefault(uuid, []).append(to_dict(row))
    return found


def groups_referencing(context, group_ids):
    """Ids of the groups with a rule whose remote group is one of
    ``group_ids``."""
    if not group_ids:
        return set()
    with reader(context) as session:
        return set(session.scalars(
            sa.select(RULE.security_group_id).distinct().where(
                RULE.remote_group_id.in_(list(group_ids)))))


def instances_of_groups(context, group_ids):
    """``{group id: [uuid of a live instance in it]}`` (groups without
    any are absent)."""
    inst = models.Instance
    found = {}
    if not group_ids:
        return found
    with reader(context) as session:
        for group_id, uuid in session.execute(
                sa.select(MEMBER.security_group_id, MEMBER.instance_uuid)
                .join(inst, inst.uuid == MEMBER.instance_uuid)
                .where(MEMBER.security_group_id.in_(list(group_ids)),
                       inst.deleted == 0)):
            found.setdefault(group_id, []).append(uuid)
    return found


def port_rules(context, instance_uuids):
    """Every rule of the groups of ``instance_uuids`` with the ports of
    its remote group's live members, in one statement: a list of
    ``(instance uuid, rule dict (with remote_group_uuid), member uuid,
    member address)``, one row per rule and member port (member and
    address None for a rule without remote group or members)."""
    if not instance_uuids:
        return []
    remote, other = orm.aliased(SG), orm.aliased(MEMBER)
    inst, fip = models.Instance, models.FixedIP
    query = (sa.select(MEMBER.instance_uuid, RULE, remote.uuid,
                       inst.uuid, fip.address)
             .join(RULE, RULE.security_group_id == MEMBER.security_group_id)
             .outerjoin(remote, remote.id == RULE.remote_group_id)
             .outerjoin(other, other.security_group_id == RULE.remote_group_id)
             .outerjoin(inst, sa.and_(inst.uuid == other.instance_uuid,
                                      inst.deleted == 0))
             .outerjoin(fip, sa.and_(fip.instance_uuid == inst.uuid,
                                     fip.port_id.isnot(None)))
             .where(MEMBER.instance_uuid.in_(list(instance_uuids)))
             .order_by(MEMBER.instance_uuid, RULE.id))
    with reader(context) as session:
        return [(uuid, dict(to_dict(rule), remote_group_uuid=remote_uuid),
                 member, address if member else None)
                for uuid, rule, remote_uuid, member, address
                in session.execute(query)]


def remote_referrers(context, instance_uuid):
    """Who must hear that ``instance_uuid``'s ports came or went, in one
    statement: ``[(group uuid, host)]`` for each group of the instance
    named as remote group by a rule of a group with another live member
    (with a host) on ``host``; one row per group and host, however many
    members the host runs (a project's default group names itself: its
    members are all the project's servers)."""
    mine, other = orm.aliased(MEMBER), orm.aliased(MEMBER)
    inst = models.Instance
    query = (sa.select(SG.uuid, inst.host).distinct()
             .select_from(mine)
             .join(SG, SG.id == mine.security_group_id)
             .join(RULE, RULE.remote_group_id == mine.security_group_id)
             .join(other, other.security_group_id == RULE.security_group_id)
             .join(inst, inst.uuid == other.instance_uuid)
             .where(mine.instance_uuid == instance_uuid,
                    other.instance_uuid != instance_uuid,
                    inst.deleted == 0, inst.host.isnot(None)))
    with reader(context) as session:
        return [tuple(row) for row in session.execute(query)]


def instances_of_group(context, group_id):
    """Uuids of the live (not deleted) instances in a group."""
    inst = models.Instance
    with reader(context) as session:
        return list(session.scalars(
            sa.select(MEMBER.instance_uuid)
            .join(inst, inst.uuid == MEMBER.instance_uuid)
            .where(MEMBER.security_group_id == group_id,
                   inst.deleted == 0)))
