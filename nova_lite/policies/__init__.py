"""oslo.policy defaults, one module per API area.

``list_rules()`` is the ``oslo.policy.policies`` entry point used by
``oslopolicy-sample-generator`` and by ``nova_lite.policy``.
"""
import itertools

from nova_lite.policies import admin_actions
from nova_lite.policies import aggregates
from nova_lite.policies import attach_interfaces
from nova_lite.policies import availability_zone
from nova_lite.policies import base
from nova_lite.policies import compute_volumes
from nova_lite.policies import flavor_extras
from nova_lite.policies import flavors
from nova_lite.policies import hosts
from nova_lite.policies import hypervisors
from nova_lite.policies import image
from nova_lite.policies import ips
from nova_lite.policies import instance_actions
from nova_lite.policies import instance_usage_audit_log
from nova_lite.policies import floating_ips
from nova_lite.policies import keypairs
from nova_lite.policies import migrations
from nova_lite.policies import multinic
from nova_lite.policies import network_api
from nova_lite.policies import networks
from nova_lite.policies import quota_sets
from nova_lite.policies import remote_consoles
from nova_lite.policies import security_groups
from nova_lite.policies import tenant_networks
from nova_lite.policies import server_diagnostics
from nova_lite.policies import server_groups
from nova_lite.policies import server_lifecycle
from nova_lite.policies import server_password
from nova_lite.policies import server_rescue
from nova_lite.policies import server_tags
from nova_lite.policies import servers
from nova_lite.policies import services
from nova_lite.policies import shelve
from nova_lite.policies import simple_tenant_usage
from nova_lite.policies import volume
from nova_lite.policies import volume_attachments


def list_rules():
    """Every RuleDefault of nova_lite."""
    return list(itertools.chain(base.list_rules(), servers.list_rules(),
                                flavors.list_rules(),
                                flavor_extras.list_rules(),
                                aggregates.list_rules(),
                                server_groups.list_rules(),
                                server_tags.list_rules(),
                                attach_interfaces.list_rules(),
                                volume_attachments.list_rules(),
                                server_password.list_rules(),
                                keypairs.list_rules(),
                                quota_sets.list_rules(),
                                services.list_rules(),
                                hypervisors.list_rules(),
                                availability_zone.list_rules(),
                                networks.list_rules(),
                                instance_actions.list_rules(),
                                admin_actions.list_rules(),
                                image.list_rules(),
                                simple_tenant_usage.list_rules(),
                                instance_usage_audit_log.list_rules(),
                                hosts.list_rules(),
                                server_diagnostics.list_rules(),
                                migrations.list_rules(),
                                server_lifecycle.list_rules(),
                                server_rescue.list_rules(),
                                shelve.list_rules(),
                                remote_consoles.list_rules(),
                                network_api.list_rules(),
                                security_groups.list_rules(),
                                floating_ips.list_rules(),
                                multinic.list_rules(),
                                tenant_networks.list_rules(),
                                ips.list_rules(),
                                volume.list_rules(),
                                compute_volumes.list_rules()))
