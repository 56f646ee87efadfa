"""The instance usage audit of a compute host (Nova's
``_instance_usage_audit`` periodic task), run by the compute when
``[DEFAULT] instance_usage_audit`` is set.

Once per completed audit period (``last_completed_audit_period``,
``[DEFAULT] instance_usage_audit_period``) the compute:

1. asks the conductor to begin the run (``usage_audit_begin``, a call):
   the conductor writes the host's ``task_log`` row (state RUNNING,
   ``task_items`` the number of instances) and answers the instances of
   the host that existed during the period, deleted ones included; or
   answers None when the host already has a row for the period (the
   audit runs once a period, whichever process asks first);
2. emits one ``instance.exists`` notification (InstanceExistsPayload
   with the ``audit_period``) per instance, counting failures;
3. ends the run through the conductor (``usage_audit_end``: DONE, the
   error count and a message saying how long it took).

The compute has no database access: both steps are conductor RPC
methods (version 1.2, ``nova_lite.conductor.compute_proxy``). Nothing
here imports ``nova_lite.db``. Times are naive UTC.
"""
import datetime
import time

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils

from nova_lite.compute import utils as compute_utils
from nova_lite import notifications

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

#: ``task_log.task_name`` of the instance usage audit.
AUDIT_TASK = 'instance_usage_audit'


def _month_start(year, month):
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.datetime(year, month, 1)


def last_completed_audit_period(unit=None, before=None):
    """``(begin, end)``: the latest audit period that ended before
    ``before`` (naive UTC; default now), of ``unit`` ('hour', 'day',
    'month' or 'year'; default ``[DEFAULT] instance_usage_audit_period``).
    Periods start on the full hour, at midnight UTC, on the 1st of the
    month or on January 1st; a period ending exactly at ``before`` is not
    complete yet, the one before it is answered (Nova's rule)."""
    unit = unit or CONF.instance_usage_audit_period
    now = before or timeutils.utcnow()
    if unit == 'year':
        end = datetime.datetime(now.year, 1, 1)
        if end >= now:
            end = datetime.datetime(now.year - 1, 1, 1)
        return datetime.datetime(end.year - 1, 1, 1), end
    if unit == 'month':
        end = _month_start(now.year, now.month)
        if end >= now:
            end = _month_start(now.year, now.month - 1)
        return _month_start(end.year, end.month - 1), end
    step = datetime.timedelta(days=1) if unit == 'day' \
        else datetime.timedelta(hours=1)
    if unit == 'day':
        end = datetime.datetime(now.year, now.month, now.day)
    else:
        end = now.replace(minute=0, second=0, microsecond=0)
    if end >= now:
        end -= step
    return end - step, end


def run_usage_audit(context, host, conductor, now=None):
    """Audit ``host``'s instances for the last completed period (see the
    module doc). Returns ``(instances, errors)`` of the run, or None when
    the audit is off or the period was already audited.

    :param conductor: a ``nova_lite.conductor.rpcapi.ConductorAPI``
    """
    if not CONF.instance_usage_audit:
        return None
    begin, end = last_completed_audit_period(before=now)
    found = conductor.usage_audit_begin(context, host,
                                        compute_utils.isotime(begin),
                                        compute_utils.isotime(end))
    if found is None:
        return None
    LOG.info('Running instance usage audit for host %s from %s to %s: '
             '%d instances', host, begin, end, len(found))
    started = time.monotonic()
    errors = 0
    for instance, times in found:
        sent = notifications.instance_exists(
            context, instance, host, begin, end,
            **{k: compute_utils.parse_isotime(v) for k, v in times.items()})
        if not sent:
            LOG.warning('Failed to audit the usage of instance %s on host '
                        '%s', instance.uuid, host)
            errors += 1
    conductor.usage_audit_end(
        context, host, compute_utils.isotime(begin),
        compute_utils.isotime(end), errors,
        'Instance usage audit ran for host %s, %d instances in %.2f '
        'seconds.' % (host, len(found), time.monotonic() - started))
    return len(found), errors
