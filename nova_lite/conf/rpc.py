"""oslo.messaging's options ([DEFAULT] transport_url, [oslo_messaging_rabbit]),
registered up front so they can be set before the transport exists, with
nova_lite's defaults: durable queues for separate processes (see
doc/admin/messaging.rst for the cost).

oslo.messaging registers these same option objects itself when the
transport is created; registering them earlier is idempotent.
"""
from oslo_messaging._drivers import amqp as rpc_amqp
from oslo_messaging._drivers import impl_rabbit
from oslo_messaging import server as messaging_server
from oslo_messaging import transport


def register_opts(conf):
    conf.register_opts(transport._transport_opts)
    conf.register_opts(messaging_server._pool_opts)
    conf.register_opts(impl_rabbit.rabbit_opts, group='oslo_messaging_rabbit')
    conf.register_opts(rpc_amqp.amqp_opts, group='oslo_messaging_rabbit')
    conf.set_default('amqp_durable_queues', True,
                     group='oslo_messaging_rabbit')
