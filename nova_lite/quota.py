"""Quotas: limits per project, usage counted from live records, and the
checks the API runs before creating anything.

The resources and their semantics are those of the compute API
reference, "Quota sets (os-quota-sets)", microversion 2.1.  A limit is the
project's override (``nova_lite.db.quotas``) or the ``[quota]`` default;
-1 means unlimited.  Usage is counted, never stored: instances, cores and
RAM (MiB) from the project's live instances, key pairs per user, server
groups per project.

A check that fails raises ``exception.QuotaExceeded`` (403) with the
compute API's message, e.g. ``Quota exceeded for instances: Requested 5,
but already used 8 of 10 instances``.  Checks are made before the records
are written and, for instances and key pairs, re-made after (a concurrent
request may have taken the room meanwhile): the caller undoes its write
when the re-check fails, as Nova's ``recheck_quota`` does.
"""
from oslo_config import cfg

from nova_lite.db import quotas as quota_db
from nova_lite import exception

CONF = cfg.CONF

#: The quota resources of the compute API at 2.1, by name.
RESOURCES = ('cores', 'fixed_ips', 'floating_ips',
             'injected_file_content_bytes', 'injected_file_path_bytes',
             'injected_files', 'instances', 'key_pairs', 'metadata_items',
             'ram', 'security_group_rules', 'security_groups',
             'server_group_members', 'server_groups')

#: Resources consumed by each instance: name → instance field.
INSTANCE_RESOURCES = (('instances', None), ('cores', 'vcpus'),
                      ('ram', 'memory_mb'))

UNLIMITED = -1


def exceeded(resource, requested, used, allowed):
    """The 403 of a failed check."""
    return exception.QuotaExceeded(
        'Quota exceeded for %s: Requested %d, but already used %d of %d %s'
        % (resource, requested, used, allowed, resource),
        resource=resource, requested=requested, used=used, allowed=allowed)


# ------------------------------------------------------------------ limits

def defaults():
    """``{resource: limit}`` of ``[quota]``."""
    return {name: getattr(CONF.quota, name) for name in RESOURCES}


def get_limits(context, project_id=None):
    """``{resource: limit}`` of a project (default: the context's)."""
    return _with_overrides(quota_db.quota_get_all(
        context, project_id or context.project_id))


def _with_overrides(overrides):
    """The defaults updated with a project's ``{resource: limit}``."""
    limits = defaults()
    limits.update({k: v for k, v in overrides.items() if k in limits})
    return limits


def update(context, project_id, values, force=False):
    """Set the project's limits of ``values`` (``{resource: limit}``).

    Without ``force`` a limit below the current usage is refused.

    :raises: ValidationError (400) for unknown resources, limits below -1
        or below the usage
    """
    for resource, limit in values.items():
        if resource not in RESOURCES:
            raise exception.ValidationError(
                attribute=resource, reason='not a quota resource')
        if limit < UNLIMITED:
            raise exception.ValidationError(
                attribute=resource, reason='%d is less than -1' % limit)
    if not force:
        in_use = usages(context, project_id)
        for resource, limit in values.items():
            if limit != UNLIMITED and limit < in_use[resource]:
                raise exception.ValidationError(
                    attribute=resource, reason='Quota limit %d for %s must '
                    'be greater than or equal to already used and reserved '
                    '%d.' % (limit, resource, in_use[resource]))
    quota_db.quota_set(context, project_id, values)
    return get_limits(context, project_id)


def reset(context, project_id):
    """Back to the ``[quota]`` defaults."""
    quota_db.quota_destroy_all(context, project_id)


# ------------------------------------------------------------------- usage

def usages(context, project_id=None, user_id=None):
    """``{resource: in use}``: every resource, 0 for those nova_lite does
    not count (per-server or unsupported ones).  Key pairs are the
    user's (default: the context's user)."""
    project_id = project_id or context.project_id
    used = dict.fromkeys(RESOURCES, 0)
    used.update(_project_instance_usage(context, project_id),
                key_pairs=quota_db.key_pair_count(
                    context, user_id or context.user_id),
                server_groups=quota_db.server_group_count(context,
                                                          project_id))
    return used


def _count(context, resource, project_id):
    if resource in ('instances', 'cores', 'ram'):
        return _project_instance_usage(context, project_id)[resource]
    if resource == 'key_pairs':
        return quota_db.key_pair_count(context, context.user_id)
    if resource == 'server_groups':
        return quota_db.server_group_count(context, project_id)
    return 0


# ------------------------------------------------------------------ checks

def check(context, resource, delta, project_id=None, used=None,
          limits=None):
    """Refuse ``delta`` more of ``resource`` beyond the project's limit.

    :param delta: how many more are requested (for per-item resources
        such as ``metadata_items``, the requested total); nothing is read
        when it is 0 or less
    :param used: current usage when the caller knows it (required in
        effect for per-group ``server_group_members``); counted otherwise
        (0 for resources nova_lite does not count)
    :param limits: the project's ``get_limits`` when the caller has
        read them already
    :raises: QuotaExceeded (403)
    """
    if resource not in RESOURCES:
        raise ValueError('unknown quota resource %r' % resource)
    if delta <= 0:
        return
    project_id = project_id or context.project_id
    limit = (limits or get_limits(context, project_id))[resource]
    if limit == UNLIMITED:
        return
    if used is None:
        used = _count(context, resource, project_id)
    if used + delta > limit:
        raise exceeded(resource, delta, used, limit)


def instance_usage(context, with_building=False):
    """``{'instances', 'cores', 'ram'}`` used by the context's project
    and, with ``with_building``, ``'building'``: the cloud's instances in
    BUILD (``nova_lite.compute.admission``); one statement."""
    return _project_instance_usage(context, context.project_id,
                                   with_building)


def _project_instance_usage(context, project_id, with_building=False):
    return _usage_dict(quota_db.instance_usage(
        context, project_id, with_building), with_building)


def limits_and_usage(context, with_building=False):
    """``get_limits`` and ``instance_usage`` of the context's project in
    one statement (server create).

    :returns: (``{resource: limit}``, ``{'instances', 'cores', 'ram'[,
        'building']}``)
    """
    overrides, counts = quota_db.overrides_and_usage(
        context, context.project_id, with_building)
    return _with_overrides(overrides), _usage_dict(counts, with_building)


def _usage_dict(counts, with_building):
    count, cores, ram, building = counts
    usage = {'instances': count, 'cores': cores, 'ram': ram}
    if with_building:
        usage['building'] = building
    return usage


def limits_instances(limits):
    """True when one of the instances, cores and ram ``limits`` is not
    unlimited (else there is nothing to count or re-check)."""
    return any(limits[resource] != UNLIMITED
               for resource, _field in INSTANCE_RESOURCES)


def instances_allowed(context, flavor, min_count, max_count, limits=None,
                      used=None):
    """How many instances of ``flavor`` (at most ``max_count``) fit the
    instances, cores and ram quotas of the context's project.

    :param flavor: dict with ``vcpus`` and ``memory_mb``
    :param limits: the project's ``get_limits`` (read when None)
    :param used: the project's ``instance_usage`` (counted when None)
    :raises: QuotaExceeded (403) when fewer than ``min_count`` fit
    """
    limits = limits or get_limits(context)
    if not limits_instances(limits):
        return max_count
    used = used or instance_usage(context)
    allowed = max_count
    for resource, field in INSTANCE_RESOURCES:
        per_instance = 1 if field is None else flavor[field]
        limit = limits[resource]
        if limit == UNLIMITED or per_instance <= 0:
            continue
        fit = max(0, limit - used[resource]) // per_instance
        if fit < min_count:
            raise exceeded(resource, per_instance * min_count,
                           used[resource], limit)
        allowed = min(allowed, fit)
    return allowed


def recheck_instances(context, flavor, count, limits=None):
    """After ``count`` instances of ``flavor`` were written (and
    committed): refuse when the project is now over a limit (concurrent
    creates took the room).  Usage is always counted anew; ``limits``
    (the project's ``get_limits`` read by the check before the write)
    are read again when None.  Nothing is counted when none of the
    three is limited.

    :raises: QuotaExceeded (403); the caller deletes its instances
    """
    limits = limits or get_limits(context)
    if not limits_instances(limits):
        return
    used = instance_usage(context)
    for resource, field in INSTANCE_RESOURCES:
        requested = count * (1 if field is None else flavor[field])
        limit = limits[resource]
        if limit != UNLIMITED and used[resource] > limit:
            raise exceeded(resource, requested,
                           max(0, used[resource] - requested), limit)
