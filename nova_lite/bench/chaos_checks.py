"""The end state a chaos run (``nova_lite.bench.chaos``) must leave,
read from the database: every problem found, as a sentence.

* no server of the burst in BUILD; each ACTIVE, or ERROR with a fault;
* every reservation holds exactly the count its request asked for (the
  ``-n<count>`` of its servers' names), the accepted ones and those
  made by a request whose answer was lost alike;
* no leak: the allocations (claims) and the fixed IPs are exactly those
  of the ACTIVE servers, each claim on its server's host, and each
  compute node's usage is the sum of its allocations.
"""
import re

import sqlalchemy as sa

from nova_lite.bench import chaos
from nova_lite.db import models

#: The count in a server's name (``chaos-c0-r3-n2``, and ``-1``, ``-2``
#: after it for the servers of a multiple create).
_COUNT = re.compile(r'-n(\d+)(?:-\d+)?$')


def _servers(stack):
    inst, fault = models.Instance, models.InstanceFault
    has_fault = sa.exists().where(fault.instance_uuid == inst.uuid)
    return chaos.query(stack, sa.select(
        inst.uuid, inst.display_name, inst.reservation_id, inst.vm_state,
        inst.task_state, has_fault).where(
        inst.deleted == 0, inst.display_name.like(chaos.PREFIX + '-%')))


def server_problems(rows):
    """States: BUILD left over, ERROR without a fault, other states."""
    problems = []
    for uuid, name, _rid, vm_state, task_state, has_fault in rows:
        if vm_state == 'building':
            problems.append('%s (%s) still in BUILD (task %s)' % (
                uuid, name, task_state))
        elif vm_state == 'error' and not has_fault:
            problems.append('%s (%s) ERROR without a fault' % (uuid, name))
        elif vm_state not in ('active', 'error'):
            problems.append('%s (%s) ended %s/%s' % (uuid, name, vm_state,
                                                    task_state))
    return problems


def reservation_problems(rows, accepted):
    """Each reservation's size against its request's count; every
    accepted reservation present."""
    groups = {}
    for _uuid, name, rid, _vm, _task, _fault in rows:
        groups.setdefault(rid, []).append(int(_COUNT.search(name).group(1)))
    problems = []
    for rid, counts in groups.items():
        if len(set(counts)) != 1 or len(counts) != counts[0]:
            problems.append('reservation %s holds %d servers, asked %s' % (
                rid, len(counts), sorted(set(counts))))
    for rid, count in accepted.items():
        if len(groups.get(rid, ())) != count:
            problems.append('accepted reservation %s holds %d of %d' % (
                rid, len(groups.get(rid, ())), count))
    return problems


def leak_problems(stack):
    """Claims and fixed IPs against the live ACTIVE servers, and node
    usage against the allocations."""
    inst, alloc = models.Instance, models.Allocation
    node, fip = models.ComputeNode, models.FixedIP
    active = {r[0]: r[1] for r in chaos.query(stack, sa.select(
        inst.uuid, inst.host).where(inst.deleted == 0,
                                    inst.vm_state == 'active'))}
    claims = {r[0]: r[1] for r in chaos.query(stack, sa.select(
        alloc.instance_uuid, node.host).join(
        node, node.id == alloc.compute_node_id))}
    problems = ['claim of %s on %s, server %s' % (
        uuid, claims.get(uuid), active.get(uuid, 'not ACTIVE'))
        for uuid in sorted(set(active) | set(claims))
        if active.get(uuid) != claims.get(uuid)]
    fixed = [r[0] for r in chaos.query(stack, sa.select(
        fip.instance_uuid).where(fip.instance_uuid.isnot(None)))]
    if sorted(fixed) != sorted(active):
        problems.append('fixed IPs of %d servers (%d leaked, %d missing) '
                        'for %d ACTIVE' % (
                            len(set(fixed)), len(set(fixed) - set(active)),
                            len(set(active) - set(fixed)), len(active)))
    sums = {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in chaos.query(
        stack, sa.select(node.host, sa.func.sum(alloc.vcpus),
                  sa.func.sum(alloc.memory_mb), sa.func.sum(alloc.disk_gb))
        .join(node, node.id == alloc.compute_node_id).group_by(node.host))}
    for host, usage in stack.node_usage().items():
        if sums.get(host, (0, 0, 0)) != usage:
            problems.append('node %s usage %s, its allocations sum to %s' % (
                host, usage, sums.get(host, (0, 0, 0))))
    return problems


def check(stack, report):
    """Every problem of the end state of a chaos run (empty: none).

    :param report: the run's ``chaos.Report`` (its accepted
        reservations)
    """
    rows = _servers(stack)
    problems = server_problems(rows)
    problems += reservation_problems(rows, report.accepted)
    problems += leak_problems(stack)
    if len(rows) < report.instances:
        problems.append('%d servers for %d asked' % (len(rows),
                                                      report.instances))
    return problems
