"""Client side of the scheduler RPC API.

History:
    1.0 - select_destinations(request_spec, instance_uuids,
          return_alternates)
"""
import oslo_messaging as messaging

from nova_lite import rpc

TOPIC = 'scheduler'


class SchedulerAPI:
    VERSION = '1.0'

    def __init__(self):
        self.client = rpc.get_client(messaging.Target(topic=TOPIC,
                                                      version=self.VERSION))

    def select_destinations(self, context, request_spec, instance_uuids,
                            return_alternates=True):
        """RPC call; see ``SchedulerManager.select_destinations``."""
        cctxt = self.client.prepare(version='1.0')
        return cctxt.call(context, 'select_destinations',
                          request_spec=request_spec,
                          instance_uuids=instance_uuids,
                          return_alternates=return_alternates)
