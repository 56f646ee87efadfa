"""The compute API (``/v2.1``) handlers, one module per resource.

``BLUEPRINTS`` lists the Flask blueprints the app registers.
"""
from nova_lite.api.openstack.compute import aggregates
from nova_lite.api.openstack.compute import attach_interfaces
from nova_lite.api.openstack.compute import availability_zone
from nova_lite.api.openstack.compute import flavor_extras
from nova_lite.api.openstack.compute import flavors
from nova_lite.api.openstack.compute import hosts
from nova_lite.api.openstack.compute import floating_ips
from nova_lite.api.openstack.compute import hypervisors
from nova_lite.api.openstack.compute import images
from nova_lite.api.openstack.compute import instance_actions
from nova_lite.api.openstack.compute import instance_usage_audit_log
from nova_lite.api.openstack.compute import keypairs
from nova_lite.api.openstack.compute import limits
from nova_lite.api.openstack.compute import migrations
from nova_lite.api.openstack.compute import networks
from nova_lite.api.openstack.compute import quota_classes
from nova_lite.api.openstack.compute import quota_sets
from nova_lite.api.openstack.compute import remote_consoles
from nova_lite.api.openstack.compute import security_groups
from nova_lite.api.openstack.compute import server_actions
from nova_lite.api.openstack.compute import server_diagnostics
from nova_lite.api.openstack.compute import server_groups
from nova_lite.api.openstack.compute import server_ips
from nova_lite.api.openstack.compute import server_metadata
from nova_lite.api.openstack.compute import server_migrations
from nova_lite.api.openstack.compute import server_password
from nova_lite.api.openstack.compute import server_tags
from nova_lite.api.openstack.compute import server_topology
from nova_lite.api.openstack.compute import servers
from nova_lite.api.openstack.compute import services
from nova_lite.api.openstack.compute import simple_tenant_usage
from nova_lite.api.openstack.compute import tenant_networks
from nova_lite.api.openstack.compute import versions
from nova_lite.api.openstack.compute import volume_attachments
from nova_lite.api.openstack.compute import volumes
from nova_lite.api.openstack.compute import volumes_boot

BLUEPRINTS = (versions.bp, servers.bp, server_actions.bp,
              server_metadata.bp, flavors.bp, flavor_extras.bp, images.bp,
              aggregates.bp,
              server_groups.bp, keypairs.bp, quota_sets.bp, quota_classes.bp,
              limits.bp,
              services.bp, hypervisors.bp, availability_zone.bp,
              networks.bp, instance_actions.bp, server_tags.bp,
              simple_tenant_usage.bp, hosts.bp,
              instance_usage_audit_log.bp, server_diagnostics.bp,
              migrations.bp, server_migrations.bp, server_password.bp,
              server_topology.bp, remote_consoles.bp,
              security_groups.bp, tenant_networks.bp, server_ips.bp,
              floating_ips.bp, attach_interfaces.bp,
              volume_attachments.bp, volumes.bp,
              volumes_boot.bp)
