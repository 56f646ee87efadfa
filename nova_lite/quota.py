"""Quotas: limits per project and per user, usage counted from live
records, and the checks the API runs before creating anything.

The resources and their semantics are those of the compute API
reference, "Quota sets (os-quota-sets)" and "Quota class sets
(os-quota-class-sets)".  Limits are layered, each level overriding the
one below it for the resources it sets (-1 means unlimited):

1. the ``[quota]`` options;
2. the ``default`` quota class (``update_class``): the defaults shown by
   ``os-quota-sets/{id}/defaults`` and used by every project without an
   override;
3. the project's overrides (``update``);
4. a user's overrides within the project (``update`` with ``user_id``).

Usage is counted, never stored: instances, cores and RAM (MiB) from the
project's live instances (or one user's instances in it), key pairs per
user, server groups per project (or per user).  A server create is
checked against the project's limits and, when the user has overrides of
instances, cores or ram, against the user's limits and usage too.

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
_INSTANCE_NAMES = tuple(name for name, _field in INSTANCE_RESOURCES)

#: The quota class whose limits are the defaults.
DEFAULT_CLASS = quota_db.DEFAULT_CLASS
#: Longest quota class name (the ``quota_classes.class_name`` column).
MAX_CLASS_NAME = 255

UNLIMITED = -1


def exceeded(resource, requested, used, allowed):
    """The 403 of a failed check."""
    return exception.QuotaExceeded(
        'Quota exceeded for %s: Requested %d, but already used %d of %d %s'
        % (resource, requested, used, allowed, resource),
        resource=resource, requested=requested, used=used, allowed=allowed)


# ------------------------------------------------------------------ limits

def config_defaults():
    """``{resource: limit}`` of ``[quota]``."""
    return {name: getattr(CONF.quota, name) for name in RESOURCES}


def defaults(context):
    """``{resource: limit}`` of the ``default`` quota class: its limits
    where set, else ``[quota]``."""
    return class_limits(context, DEFAULT_CLASS)


def get_limits(context, project_id=None, user_id=None):
    """``{resource: limit}`` of a project (default: the context's) or,
    with ``user_id``, of that user within it; one statement."""
    class_rows, project_rows, user_rows = quota_db.overrides(
        context, project_id or context.project_id, user_id)
    return _layered(class_rows, project_rows, user_rows)


def _layered(*levels):
    """``[quota]`` overridden by each level's ``{resource: limit}`` in
    turn."""
    limits = config_defaults()
    for level in levels:
        limits.update({k: v for k, v in level.items() if k in limits})
    return limits


def _validate(values):
    """:raises: ValidationError (400) for unknown resources and limits
    below -1"""
    for resource, limit in values.items():
        if resource not in RESOURCES:
            raise exception.ValidationError(
                attribute=resource, reason='not a quota resource')
        if limit < UNLIMITED:
            raise exception.ValidationError(
                attribute=resource, reason='%d is less than -1' % limit)


def _unlimited(value):
    return value == UNLIMITED


def _below_minimum(resource, limit, minimum):
    return exception.ValidationError(
        attribute=resource, reason='Quota limit %d for %s must be greater '
        'than or equal to already used and reserved %d.'
        % (limit, resource, minimum))


def update(context, project_id, values, force=False, user_id=None):
    """Set the limits of ``values`` (``{resource: limit}``) of a project
    or, with ``user_id``, of that user within the project.

    Without ``force`` (the compute API's "settable" range, checked per
    resource):

    * a project limit may not go below its usage, nor below the sum of
      the limits its users were given (key pairs belong to users: no
      user's count bounds a project limit);
    * a user limit may not go below the user's usage, nor above what the
      project has left: its limit less the other users' limits (so no
      user limit exceeds the project's, and -1 is refused while the
      project's is limited).

    :returns: the new ``get_limits`` of the project (or user)
    :raises: ValidationError (400) for unknown resources, limits below -1
        or out of the settable range
    """
    _validate(values)
    if not force:
        if user_id is None:
            _check_project_range(context, project_id, values)
        else:
            _check_user_range(context, project_id, user_id, values)
    quota_db.quota_set(context, project_id, values, user_id=user_id)
    return get_limits(context, project_id, user_id)


def _check_project_range(context, project_id, values):
    in_use = usages(context, project_id)
    in_use['key_pairs'] = 0
    given = quota_db.user_quota_sums(context, project_id)
    for resource, limit in values.items():
        minimum = max(in_use[resource], given.get(resource, 0))
        if not _unlimited(limit) and limit < minimum:
            raise _below_minimum(resource, limit, minimum)


def _check_user_range(context, project_id, user_id, values):
    in_use = usages(context, project_id, user_id)
    project = get_limits(context, project_id)
    others = quota_db.user_quota_sums(context, project_id,
                                      exclude_user_id=user_id)
    for resource, limit in values.items():
        if not _unlimited(limit) and limit < in_use[resource]:
            raise _below_minimum(resource, limit, in_use[resource])
        if _unlimited(project[resource]):
            continue
        maximum = max(0, project[resource] - others.get(resource, 0))
        if _unlimited(limit) or limit > maximum:
            raise exception.ValidationError(
                attribute=resource, reason='Quota limit %d for %s must be '
                'less than or equal to %d.' % (limit, resource, maximum))


def reset(context, project_id, user_id=None):
    """A project (and all its users) back to the defaults or, with
    ``user_id``, that user back to the project's limits."""
    quota_db.quota_destroy_all(context, project_id, user_id)


# ----------------------------------------------------------- quota classes

def _check_class_name(class_name):
    if not class_name or len(class_name) > MAX_CLASS_NAME:
        raise exception.ValidationError(
            attribute='quota_class_name', reason='must be 1 to %d '
            'characters' % MAX_CLASS_NAME)


def class_limits(context, class_name):
    """``{resource: limit}`` of a quota class: its limits where set, else
    ``[quota]`` (an unknown class has the ``[quota]`` limits).

    :raises: ValidationError (400) for a name of 0 or more than 255
        characters
    """
    _check_class_name(class_name)
    return _layered(quota_db.quota_class_get(context, class_name))


def update_class(context, class_name, values):
    """Set limits of a quota class (created by its first limit).  Those
    of ``default`` are the defaults of every project and user without
    an override of their own.

    :returns: the class's new ``class_limits``
    :raises: ValidationError (400) for a bad name, unknown resources or
        limits below -1
    """
    _check_class_name(class_name)
    _validate(values)
    quota_db.quota_class_set(context, class_name, values)
    return class_limits(context, class_name)


# ------------------------------------------------------------------- usage

def usages(context, project_id=None, user_id=None):
    """``{resource: in use}``: every resource, 0 for those nova_lite does
    not count (per-server or unsupported ones).  With ``user_id``,
    instances, cores, ram and server groups are that user's within the
    project; key pairs are always a user's (default: the context's)."""
    project_id = project_id or context.project_id
    used = dict.fromkeys(RESOURCES, 0)
    used.update(_instance_usage(context, project_id, user_id=user_id),
                key_pairs=quota_db.key_pair_count(
                    context, user_id or context.user_id),
                server_groups=quota_db.server_group_count(
                    context, project_id, user_id))
    return used


def _count(context, resource, project_id, user_id=None):
    if resource in _INSTANCE_NAMES:
        return _instance_usage(context, project_id,
                               user_id=user_id)[resource]
    if resource == 'key_pairs':
        return quota_db.key_pair_count(context, user_id or context.user_id)
    if resource == 'server_groups':
        return quota_db.server_group_count(context, project_id, user_id)
    return 0


# ------------------------------------------------------------------ checks

#: Resources pooled by a project, whose user limits are a share of the
#: project's: a create is checked against both.  For the others (per
#: user or per item) a user's limit replaces the project's.
POOLED = _INSTANCE_NAMES + ('server_groups',)


def check(context, resource, delta, project_id=None, used=None,
          limits=None, user_id=None):
    """Refuse ``delta`` more of ``resource`` beyond the limits of the
    project and of the user (default: the context's) within it.

    :param delta: how many more are requested (for per-item resources
        such as ``metadata_items``, the requested total); nothing is read
        when it is 0 or less
    :param used: current usage when the caller knows it (required in
        effect for per-group ``server_group_members``); counted otherwise
        (0 for resources nova_lite does not count)
    :param limits: the user's limits (``get_limits`` with ``user_id``)
        when the caller has read them already: then only they are checked
    :raises: QuotaExceeded (403)
    """
    if resource not in RESOURCES:
        raise ValueError('unknown quota resource %r' % resource)
    if delta <= 0:
        return
    project_id = project_id or context.project_id
    user_id = user_id or context.user_id
    if limits is not None:
        project_limit = user_limit = limits[resource]
    else:
        class_rows, project_rows, user_rows = quota_db.overrides(
            context, project_id, user_id)
        project_limit = _layered(class_rows, project_rows)[resource]
        user_limit = user_rows.get(resource, project_limit)
    if resource not in POOLED:
        project_limit = user_limit
    _check_one(resource, delta, project_limit, used,
               lambda: _count(context, resource, project_id,
                              user_id if resource == 'key_pairs' else None))
    if resource in POOLED and _tighter(user_limit, project_limit):
        _check_one(resource, delta, user_limit, None,
                   lambda: _count(context, resource, project_id, user_id))


def _check_one(resource, delta, limit, used, count):
    if _unlimited(limit):
        return
    if used is None:
        used = count()
    if used + delta > limit:
        raise exceeded(resource, delta, used, limit)


def _tighter(user_limit, project_limit):
    """True when a user's limit binds before the project's."""
    return not _unlimited(user_limit) and (
        _unlimited(project_limit) or user_limit < project_limit)


def instance_usage(context, with_building=False):
    """``{'instances', 'cores', 'ram'}`` used by the context's project
    and, with ``with_building``, ``'building'``: the cloud's instances in
    BUILD (``nova_lite.compute.admission``); one statement."""
    return _instance_usage(context, context.project_id, with_building)


def _instance_usage(context, project_id, with_building=False,
                    user_id=None):
    return _usage_dict(quota_db.instance_usage(
        context, project_id, with_building, user_id), with_building)


def limits_and_usage(context, with_building=False):
    """The project's and the user's limits and the project's
    ``instance_usage``, for the context's project and user, in one
    statement (server create).

    :returns: (``{resource: limit}`` of the project, ``{'instances',
        'cores', 'ram'[, 'building']}``, ``{resource: limit}`` of the
        user)
    """
    (class_rows, project_rows, user_rows), counts = \
        quota_db.overrides_and_usage(context, context.project_id,
                                     context.user_id, with_building)
    return (_layered(class_rows, project_rows),
            _usage_dict(counts, with_building),
            _layered(class_rows, project_rows, user_rows))


def _usage_dict(counts, with_building):
    count, cores, ram, building = counts
    usage = {'instances': count, 'cores': cores, 'ram': ram}
    if with_building:
        usage['building'] = building
    return usage


def limits_instances(limits):
    """True when one of the instances, cores and ram ``limits`` is not
    unlimited (else there is nothing to count or re-check)."""
    return any(not _unlimited(limits[name]) for name in _INSTANCE_NAMES)


def _user_bound(limits, user_limits):
    """True when one of the user's instances, cores and ram limits binds
    before the project's (the user's usage must then be counted)."""
    return user_limits is not None and any(
        _tighter(user_limits[name], limits[name])
        for name in _INSTANCE_NAMES)


def _levels(context, limits, used, user_limits):
    """``[(limits, usage)]`` to check a create against: the project's
    and, when the user's bind before, the user's (counted now)."""
    levels = [(limits, used)]
    if _user_bound(limits, user_limits):
        levels.append((user_limits, _instance_usage(
            context, context.project_id, user_id=context.user_id)))
    return levels


def _read_limits(context, limits, user_limits):
    if limits is None:
        class_rows, project_rows, user_rows = quota_db.overrides(
            context, context.project_id, context.user_id)
        limits = _layered(class_rows, project_rows)
        user_limits = _layered(class_rows, project_rows, user_rows)
    return limits, user_limits


def instances_allowed(context, flavor, min_count, max_count, limits=None,
                      used=None, user_limits=None):
    """How many instances of ``flavor`` (at most ``max_count``) fit the
    instances, cores and ram quotas of the context's project and of its
    user there.

    :param flavor: dict with ``vcpus`` and ``memory_mb``
    :param limits: the project's limits (``limits_and_usage``; read with
        ``user_limits`` when None)
    :param used: the project's ``instance_usage`` (counted when None)
    :param user_limits: the user's limits (``limits_and_usage``); None
        with ``limits`` given: the project's alone are checked
    :raises: QuotaExceeded (403) when fewer than ``min_count`` fit
    """
    limits, user_limits = _read_limits(context, limits, user_limits)
    if not (limits_instances(limits) or
            (user_limits and limits_instances(user_limits))):
        return max_count
    used = used or instance_usage(context)
    allowed = max_count
    for level_limits, level_used in _levels(context, limits, used,
                                            user_limits):
        allowed = min(allowed, _fit(flavor, min_count, max_count,
                                    level_limits, level_used))
    return allowed


def _fit(flavor, min_count, max_count, limits, used):
    allowed = max_count
    for resource, field in INSTANCE_RESOURCES:
        per_instance = 1 if field is None else flavor[field]
        limit = limits[resource]
        if _unlimited(limit) or per_instance <= 0:
            continue
        fit = max(0, limit - used[resource]) // per_instance
        if fit < min_count:
            raise exceeded(resource, per_instance * min_count,
                           used[resource], limit)
        allowed = min(allowed, fit)
    return allowed


def recheck_instances(context, flavor, count, limits=None,
                      user_limits=None):
    """After ``count`` instances of ``flavor`` were written (and
    committed): refuse when the project, or the user in it, is now over
    a limit (concurrent creates took the room).  Usage is always counted
    anew; ``limits`` and ``user_limits`` (read by the check before the
    write) are read again when ``limits`` is None.  Nothing is counted
    when none of the three is limited.

    :raises: QuotaExceeded (403); the caller deletes its instances
    """
    limits, user_limits = _read_limits(context, limits, user_limits)
    if not limits_instances(limits) and not _user_bound(limits,
                                                        user_limits):
        return
    for level_limits, used in _levels(context, limits,
                                      instance_usage(context),
                                      user_limits):
        for resource, field in INSTANCE_RESOURCES:
            requested = count * (1 if field is None else flavor[field])
            limit = level_limits[resource]
            if not _unlimited(limit) and used[resource] > limit:
                raise exceeded(resource, requested,
                               max(0, used[resource] - requested), limit)
