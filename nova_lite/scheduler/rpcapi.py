"""Client side of the scheduler RPC API.

History:
    1.0 - select_destinations(request_spec, instance_uuids,
          return_alternates)
"""
from oslo_config import cfg
import oslo_messaging as messaging

from nova_lite import rpc

CONF = cfg.CONF
TOPIC = 'scheduler'


class SchedulerAPI:
    VERSION = '1.0'

    def __init__(self):
        self.client = rpc.get_client(messaging.Target(topic=TOPIC,
                                                      version=self.VERSION))

    def select_destinations(self, context, request_spec, instance_uuids,
                            return_alternates=True):
        """RPC call; see ``SchedulerManager.select_destinations``.

        Claiming for a large multi-create can outlast
        ``rpc_response_timeout``: the call may take up to
        ``long_rpc_timeout`` seconds as long as the scheduler keeps
        sending oslo.messaging's call-monitor heartbeats
        (a silent scheduler fails the call after ``rpc_response_timeout``).

        :raises: oslo_messaging.MessagingTimeout
        """
        cctxt = self.client.prepare(
            version='1.0', timeout=CONF.long_rpc_timeout,
            call_monitor_timeout=CONF.rpc_response_timeout)
        return cctxt.call(context, 'select_destinations',
                          request_spec=request_spec,
                          instance_uuids=instance_uuids,
                          return_alternates=return_alternates)
