"""The database work of a compute's rebuild and snapshots (conductor RPC
API 1.5), done by the conductor on its behalf as ``compute_proxy`` does
for builds: the compute has no database access.

Arguments and results cross RPC: times are ISO 8601 text of naive UTC
(``compute_utils.isotime``), faults dicts ``code``, ``message`` and
optional ``details``.
"""
from oslo_log import log as logging

from nova_lite.compute import utils as compute_utils
from nova_lite.conductor import compute_proxy
from nova_lite.db import instances as instance_db
from nova_lite import exception
from nova_lite.metadata import lookup as metadata_lookup

LOG = logging.getLogger(__name__)


def guest_data_get(context, instance_uuid):
    """What the guest is told about itself
    (``nova_lite.metadata.lookup.guest_data``; secrets, never logged) for
    the config drive of a rebuild, or None when the instance is gone."""
    try:
        return metadata_lookup.guest_data(context, instance_uuid)
    except exception.InstanceNotFound:
        return None


def instance_action_failed(context, instance_uuid, values, expected, host,
                           fault, event):
    """An action of ``host`` failed: write ``values`` (e.g. ERROR, or only
    task_state None for a failed snapshot) with an instance fault in one
    transaction, when ``expected`` ({'task_state', 'vm_state', 'host'}:
    value) holds; ``event`` (see ``compute_proxy.instance_update``) is
    recorded either way. Unlike ``instance_set_error`` nothing is
    released: the server keeps its claim and fixed IPs (it can be
    rebuilt again, or deleted).

    :param fault: dict ``code``, ``message`` and optional ``details``
    :returns: True when ``expected`` held
    """
    fault_values = {'code': fault.get('code', 500),
                    'message': fault.get('message'),
                    'details': compute_utils.details_text(
                        fault.get('details')),
                    'host': host}
    try:
        instance_db.instance_update(context, instance_uuid, values,
                                    fault=fault_values,
                                    **compute_proxy._expected(expected))
        matched = True
    except (exception.InstanceNotFound,
            exception.UnexpectedTaskStateError) as exc:
        LOG.info('Not recording the failure of %s: %s', instance_uuid, exc)
        matched = False
    if event is not None:
        compute_proxy._event(context, instance_uuid, host, event)
    return matched
