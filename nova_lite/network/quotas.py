"""Quotas of the Networking API (Networking API reference, "Quotas
extension (quotas)"): ``network``, ``subnet``, ``port``, ``router`` and
``floatingip`` per project,
the defaults from ``[network] quota_<resource>``, a project's overrides
in the ``quotas`` table under ``networking.<resource>`` (apart from the
compute API's resources, which ignore them). -1 is unlimited.
"""
from oslo_config import cfg

from nova_lite.db import quotas as quota_db
from nova_lite.network import errors

CONF = cfg.CONF
RESOURCES = ('network', 'subnet', 'port', 'router', 'floatingip')
_PREFIX = 'networking.'


def defaults():
    """``{resource: limit}`` of ``[network] quota_*``."""
    return {r: getattr(CONF.network, 'quota_%s' % r) for r in RESOURCES}


def limits(context, project_id):
    """``{resource: limit}`` of a project: its overrides over the
    defaults."""
    _class, project, _user = quota_db.overrides(context, project_id)
    result = defaults()
    for resource in RESOURCES:
        if _PREFIX + resource in project:
            result[resource] = project[_PREFIX + resource]
    return result


def update(context, project_id, values):
    """Set the project's limits of ``values`` ({resource: int >= -1}).

    :raises: BadRequest for unknown resources or bad limits
    """
    for resource, limit in values.items():
        if resource not in RESOURCES:
            raise errors.BadRequest(attribute='quota', reason="Unrecognized "
                                    "attribute(s) '%s'" % resource[:64])
        if isinstance(limit, bool) or not isinstance(limit, int) \
                or limit < -1:
            raise errors.BadRequest(attribute=resource, reason='an integer '
                                    '>= -1 is required')
    quota_db.quota_set(context, project_id,
                       {_PREFIX + k: v for k, v in values.items()})
    return limits(context, project_id)


def reset(context, project_id):
    """Back to the defaults (DELETE /quotas/{project_id})."""
    quota_db.quota_delete(context, project_id,
                          [_PREFIX + r for r in RESOURCES])


def check(context, project_id, resource, used):
    """One more ``resource`` for the project, which has ``used``.

    :raises: OverQuota (409)
    """
    limit = limits(context, project_id)[resource]
    if 0 <= limit <= used:
        raise errors.OverQuota(overs=resource)
