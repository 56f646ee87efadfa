"""Quotas of the Block Storage API (Block Storage API reference, "Quota
sets extension"): ``volumes``, ``gigabytes`` (of volumes and snapshots)
and ``snapshots`` per project, the defaults from ``[volume]
quota_<resource>``, a project's overrides in the ``quotas`` table under
``volume.<resource>`` (apart from the compute API's resources). -1 is
unlimited. Usage is claimed by ``nova_lite.db.volume_quotas``.
"""
from oslo_config import cfg

from nova_lite.db import quotas as quota_db
from nova_lite.volume import errors

CONF = cfg.CONF
RESOURCES = ('volumes', 'gigabytes', 'snapshots')
#: Cinder's other quota resources with their defaults: stored and shown
#: (``PUT /os-quota-sets`` accepts them as Cinder does) but, nova_lite
#: having no backups and no groups, only ``per_volume_gigabytes`` (the
#: largest volume, GiB) is enforced.
EXTRA = {'backups': 0, 'backup_gigabytes': 0, 'groups': 0,
         'per_volume_gigabytes': -1}
_PREFIX = 'volume.'


def defaults():
    """``{resource: limit}`` of ``[volume] quota_*``."""
    return {r: getattr(CONF.volume, 'quota_%s' % r) for r in RESOURCES}


def limits(context, project_id):
    """``{resource: limit}``: the project's overrides over the
    defaults."""
    _class, project, _user = quota_db.overrides(context, project_id)
    result = defaults()
    for resource in RESOURCES:
        if _PREFIX + resource in project:
            result[resource] = project[_PREFIX + resource]
    return result


def all_limits(context, project_id):
    """``limits`` plus the EXTRA resources."""
    _class, project, _user = quota_db.overrides(context, project_id)
    result = limits(context, project_id)
    for resource, default in EXTRA.items():
        result[resource] = project.get(_PREFIX + resource, default)
    return result


def update(context, project_id, values):
    """Set limits ({resource: int >= -1}; integer strings accepted as
    Cinder does).

    :raises: Invalid for unknown resources or bad limits
    """
    clean = {}
    for resource, limit in values.items():
        if resource not in RESOURCES and resource not in EXTRA:
            raise errors.Invalid(reason='Bad key(s) in quota set: %s'
                                 % resource[:64])
        try:
            limit = int(limit) if not isinstance(limit, bool) else None
        except (TypeError, ValueError):
            limit = None
        if limit is None or limit < -1:
            raise errors.Invalid(reason='Quota limit for %s must be an '
                                 'integer >= -1' % resource)
        clean[_PREFIX + resource] = limit
    quota_db.quota_set(context, project_id, clean)
    return all_limits(context, project_id)


def reset(context, project_id):
    quota_db.quota_delete(context, project_id, [
        _PREFIX + r for r in RESOURCES + tuple(EXTRA)])
