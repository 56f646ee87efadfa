"""The CloudStack commands, one module per area; importing this package
declares them all in ``nova_lite.api.cloudstack.registry.COMMANDS``."""
from nova_lite.api.cloudstack.commands import accounts  # noqa: F401
from nova_lite.api.cloudstack.commands import admin  # noqa: F401
from nova_lite.api.cloudstack.commands import affinity  # noqa: F401
from nova_lite.api.cloudstack.commands import async_jobs  # noqa: F401
from nova_lite.api.cloudstack.commands import catalog  # noqa: F401
from nova_lite.api.cloudstack.commands import consoles  # noqa: F401
from nova_lite.api.cloudstack.commands import events  # noqa: F401
from nova_lite.api.cloudstack.commands import keypairs  # noqa: F401
from nova_lite.api.cloudstack.commands import networks  # noqa: F401
from nova_lite.api.cloudstack.commands import pods_clusters  # noqa: F401
from nova_lite.api.cloudstack.commands import public_ips  # noqa: F401
from nova_lite.api.cloudstack.commands import resource_limits  # noqa: F401
from nova_lite.api.cloudstack.commands import security_groups  # noqa: F401
from nova_lite.api.cloudstack.commands import sg_rules  # noqa: F401
from nova_lite.api.cloudstack.commands import template_permissions  # noqa: F401,E501
from nova_lite.api.cloudstack.commands import template_register  # noqa: F401
from nova_lite.api.cloudstack.commands import usage  # noqa: F401
from nova_lite.api.cloudstack.commands import vm_access  # noqa: F401
from nova_lite.api.cloudstack.commands import vm_images  # noqa: F401
from nova_lite.api.cloudstack.commands import vm_scale  # noqa: F401
from nova_lite.api.cloudstack.commands import vm_snapshots  # noqa: F401
from nova_lite.api.cloudstack.commands import vm_lifecycle  # noqa: F401
from nova_lite.api.cloudstack.commands import vm_migrate  # noqa: F401
from nova_lite.api.cloudstack.commands import vm_nics  # noqa: F401
from nova_lite.api.cloudstack.commands import vms  # noqa: F401
from nova_lite.api.cloudstack.commands import volumes  # noqa: F401
