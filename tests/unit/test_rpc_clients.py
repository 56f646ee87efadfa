"""rpc.shared_client: one RPC API client per transport, made again after
rpc.cleanup (a client kept from a closed transport casts nowhere)."""
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from nova_lite import rpc
from nova_lite.volume import api as volume_api
from nova_lite.volume import rpcapi as volume_rpcapi


class TestSharedClient(testtools.TestCase):

    def setUp(self):
        super().setUp()
        conf = self.useFixture(config_fixture.Config(cfg.CONF))
        conf.config(transport_url='fake://')
        rpc.cleanup()
        self.addCleanup(rpc.cleanup)

    def test_one_client_per_transport(self):
        first = rpc.shared_client(volume_rpcapi.VolumeAPI)
        self.assertIs(first, rpc.shared_client(volume_rpcapi.VolumeAPI))
        self.assertIs(first, volume_api.volume_rpcapi())
        old = rpc.get_transport()
        rpc.cleanup()
        second = volume_api.volume_rpcapi()
        self.assertIsNot(first, second)
        self.assertIsNot(old, rpc.get_transport())
        self.assertIs(rpc.get_transport(),
                      second.client._client.transport)
