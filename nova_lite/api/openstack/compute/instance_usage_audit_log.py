"""``/v2.1/os-instance_usage_audit_log``: the instance usage audits of
the last completed audit period, or of the last one completed before a
time (compute API reference, "Server usage audit log
(os-instance-usage-audit-log)", microversion 2.1; admins only).

The audits are the ``task_log`` rows the compute hosts with ``[DEFAULT]
instance_usage_audit`` write through the conductor
(``nova_lite.compute.usage_audit``); the period is ``[DEFAULT]
instance_usage_audit_period``'s, the summary
``nova_lite.compute.usage.audit_log``'s.  ``before_timestamp`` is
``YYYY-MM-DD HH:MM:SS[.ffffff]`` (naive UTC); another form is a 400.
"""
import datetime

import flask

from nova_lite.api import openstack
from nova_lite.compute import usage as usage_api
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import instance_usage_audit_log as audit_policies

bp = flask.Blueprint('instance_usage_audit_log', __name__,
                     url_prefix='/v2.1/os-instance_usage_audit_log')
AUDIT_LOG = audit_policies.INSTANCE_USAGE_AUDIT_LOG


@bp.get('')
def index():
    """200 ``{"instance_usage_audit_logs": {period_beginning,
    period_ending, num_hosts, num_hosts_done, num_hosts_running,
    num_hosts_not_run, hosts_not_run, total_instances, total_errors,
    overall_status, log}}``."""
    context = openstack.context()
    policy.authorize(context, AUDIT_LOG % 'list')
    return {'instance_usage_audit_logs': usage_api.audit_log(context)}


@bp.get('/<before_timestamp>')
def show(before_timestamp):
    """200 ``{"instance_usage_audit_log": {...}}`` of the last period
    completed before ``before_timestamp``; 400 for a bad timestamp."""
    context = openstack.context()
    policy.authorize(context, AUDIT_LOG % 'show')
    fmt = '%Y-%m-%d %H:%M:%S.%f' if '.' in before_timestamp \
        else '%Y-%m-%d %H:%M:%S'
    try:
        before = datetime.datetime.strptime(before_timestamp, fmt)
    except ValueError:
        raise exception.ValidationError(
            attribute='before_timestamp',
            reason='Invalid timestamp for date %s'
            % before_timestamp[:64]) from None
    return {'instance_usage_audit_log': usage_api.audit_log(
        context, before=before)}
