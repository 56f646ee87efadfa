"""Admission control of server creates: refuse work early (503 with
Retry-After), not queue it without end.

The database is the source of truth: instances in BUILD across the cloud
(one indexed COUNT) are compared with ``[api] max_pending_builds``.  A
request that would go past the bound creates fewer servers (never fewer
than its ``min_count``, as a quota does) or is refused with 503
``serviceUnavailable`` and ``Retry-After: [api] pending_builds_retry_after``.

Two API threads may count at the same time and both be admitted, so the
bound can be overshot by one request per concurrent API request: it is a
guard against overload, not an exact limit.
"""
from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.db import instances as instance_db
from nova_lite import exception

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def enabled(conf=None):
    """True when ``[api] max_pending_builds`` bounds creates (0: off)."""
    return bool((conf or CONF).api.max_pending_builds)


def admit(context, min_count, max_count, conf=None, pending=None):
    """How many of ``min_count..max_count`` new servers may be created.

    :param pending: the cloud's instances in BUILD when the caller
        counted them with other figures (``quota.instance_usage``);
        counted here when None
    :returns: an int in ``[min_count, max_count]``
    :raises: Invalid (400) when ``min_count`` alone exceeds the bound
        (retrying would never help); ServiceUnavailable (503, with
        Retry-After) when fewer than ``min_count`` builds may start now
    """
    conf = conf or CONF
    bound = conf.api.max_pending_builds
    if not bound:
        return max_count
    if min_count > bound:
        raise exception.Invalid(
            reason='min_count %d is more than the %d builds this cloud '
            'accepts at once' % (min_count, bound))
    if pending is None:
        pending = instance_db.instances_building_count(context)
    room = bound - pending
    if room < min_count:
        LOG.warning('Refusing a create of %d server(s): %d builds pending '
                    '(max_pending_builds %d)', min_count, pending, bound)
        raise exception.ServiceUnavailable(
            reason='the cloud is building %d servers, its limit; retry '
            'later' % pending,
            retry_after=conf.api.pending_builds_retry_after)
    return min(max_count, room)
