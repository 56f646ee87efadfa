"""Client side of the conductor RPC API (topic ``conductor``).

History:
    1.0 - build_instances(instances, request_spec, host_lists)
"""
import oslo_messaging as messaging

from nova_lite import rpc

TOPIC = 'conductor'


class ConductorAPI:
    VERSION = '1.0'

    def __init__(self):
        self.client = rpc.get_client(messaging.Target(topic=TOPIC,
                                                      version=self.VERSION))

    def build_instances(self, context, instances, request_spec,
                        host_lists=None):
        """Cast: schedule (or, with ``host_lists``, reschedule onto the
        given alternates) and build ``instances``."""
        self.client.prepare(version='1.0').cast(
            context, 'build_instances', instances=instances,
            request_spec=request_spec, host_lists=host_lists)
