"""oslo.policy defaults, one module per API area (DESIGN.md).

``list_rules()`` is the ``oslo.policy.policies`` entry point used by
``oslopolicy-sample-generator`` and by ``nova_lite.policy``.
"""
import itertools

from nova_lite.policies import aggregates
from nova_lite.policies import base
from nova_lite.policies import flavors
from nova_lite.policies import server_groups
from nova_lite.policies import servers


def list_rules():
    """Every RuleDefault of nova_lite."""
    return list(itertools.chain(base.list_rules(), servers.list_rules(),
                                flavors.list_rules(),
                                aggregates.list_rules(),
                                server_groups.list_rules()))
