"""The compute API (``/v2.1``) handlers, one module per resource.

``BLUEPRINTS`` lists the Flask blueprints the app registers.
"""
from nova_lite.api.openstack.compute import aggregates
from nova_lite.api.openstack.compute import flavors
from nova_lite.api.openstack.compute import images
from nova_lite.api.openstack.compute import server_actions
from nova_lite.api.openstack.compute import server_groups
from nova_lite.api.openstack.compute import server_metadata
from nova_lite.api.openstack.compute import servers
from nova_lite.api.openstack.compute import versions

BLUEPRINTS = (versions.bp, servers.bp, server_actions.bp,
              server_metadata.bp, flavors.bp, images.bp, aggregates.bp,
              server_groups.bp)
