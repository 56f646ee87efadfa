"""Is a service up: the one answer every layer uses, in Python and in SQL.

The rule is Nova's servicegroup DB driver (``nova.servicegroup.drivers.db``)
with the API's forced-down check (``nova.servicegroup.api``):

- a service is **down** when ``forced_down`` is set (os-services
  ``force-down``), whatever its heartbeat;
- otherwise it is **up** when its last heartbeat, ``last_seen_up`` (or
  ``created_at`` when it never heartbeated), is at most
  ``[DEFAULT] service_down_time`` seconds away from now, in either
  direction (Nova compares ``abs(elapsed)``: a heartbeat that far in the
  future means clocks disagree, and counts as down).

``is_up`` answers for a service dict (or any mapping of the ``services``
columns); ``sql_is_up`` is the same test as a SQLAlchemy expression over
the ``services`` columns, for queries that filter in SQL (the
scheduler's host query, the conductor sweeper). Both take their bounds
from ``window``, so they agree to the microsecond. Times are naive UTC
(``oslo_utils.timeutils.utcnow``, as the columns hold them); durations
are seconds.

The service binary names are defined here too: services register under
them and every query of a service names them from here.
"""
import datetime

from oslo_config import cfg
from oslo_utils import timeutils
import sqlalchemy as sa

import nova_lite.conf  # noqa: F401 - registers service_down_time

CONF = cfg.CONF

#: Binaries of the services that register in the ``services`` table.
COMPUTE = 'nova-lite-compute'
CONDUCTOR = 'nova-lite-conductor'
SCHEDULER = 'nova-lite-scheduler'
BINARIES = (COMPUTE, CONDUCTOR, SCHEDULER)
#: The block storage service (not a compute service: os-services does
#: not list it, as Nova's does not list cinder-volume).
VOLUME = 'nova-lite-volume'

#: Names of the bound parameters of ``sql_is_up`` without a window; give
#: them values with ``window_params``.
UP_SINCE = 'up_since'
UP_UNTIL = 'up_until'


def down_time():
    """``[DEFAULT] service_down_time``: seconds without a heartbeat after
    which a service is down."""
    return CONF.service_down_time


def window(now=None, seconds=None):
    """``(since, until)``: the heartbeats that count as up, bounds
    included (naive UTC datetimes).

    :param now: naive UTC datetime (default ``timeutils.utcnow()``)
    :param seconds: width on each side of ``now`` (default
        ``down_time()``)
    """
    now = timeutils.utcnow() if now is None else now
    delta = datetime.timedelta(
        seconds=down_time() if seconds is None else seconds)
    return now - delta, now + delta


def window_params(now=None, seconds=None):
    """``{UP_SINCE: since, UP_UNTIL: until}``, the values of the bound
    parameters of ``sql_is_up(columns)`` (see ``window``)."""
    since, until = window(now, seconds)
    return {UP_SINCE: since, UP_UNTIL: until}


def last_heartbeat(service):
    """The time the up/down rule reads: ``last_seen_up``, else
    ``created_at`` (None when neither is known)."""
    return service.get('last_seen_up') or service.get('created_at')


def is_up(service, now=None, seconds=None):
    """True when ``service`` is not forced down and its
    ``last_heartbeat`` is within ``window(now, seconds)``.

    :param service: a mapping with ``forced_down``, ``last_seen_up`` and
        ``created_at`` (a ``nova_lite.db.services`` dict)
    """
    if service.get('forced_down'):
        return False
    seen = last_heartbeat(service)
    if seen is None:
        return False
    since, until = window(now, seconds)
    return since <= seen <= until


def sql_is_up(columns, bounds=None):
    """The ``is_up`` test as a SQL boolean expression.

    :param columns: the ``services`` columns: the ``Service`` model or
        ``services`` table's ``.c`` (any object with attributes
        ``forced_down``, ``last_seen_up``, ``created_at``)
    :param bounds: ``(since, until)`` from ``window``; without it the
        bounds are the bound parameters ``UP_SINCE`` and ``UP_UNTIL``,
        so that a statement built once can be executed with
        ``window_params()`` (the scheduler caches its statements)
    """
    if bounds is None:
        since, until = sa.bindparam(UP_SINCE), sa.bindparam(UP_UNTIL)
    else:
        since, until = bounds
    seen = sa.func.coalesce(columns.last_seen_up, columns.created_at)
    return sa.and_(columns.forced_down.is_(False), seen.isnot(None),
                   seen >= since, seen <= until)
