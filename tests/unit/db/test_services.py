"""nova_lite.db.services.service_destroy (os-services DELETE)."""
import testtools

from nova_lite.db import compute_nodes as node_db
from nova_lite.db import instances as instance_db
from nova_lite.db import services as service_db
from nova_lite import exception
from tests.unit.scheduler import fakes


class ServiceDestroyTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.admin = self.db.admin
        self.db.add_host('node1')
        self.service = service_db.service_get_all(self.admin,
                                                  host='node1')[0]

    def test_compute_takes_its_nodes(self):
        service_db.service_destroy(self.admin, self.service['id'])
        self.assertEqual([], service_db.service_get_all(self.admin))
        self.assertEqual([], node_db.compute_node_get_all(self.admin))
        self.assertRaises(exception.ServiceNotFound,
                          service_db.service_destroy, self.admin,
                          self.service['id'])

    def test_compute_hosting_instances_is_kept(self):
        instance_db.instances_create(self.admin, [{
            'uuid': 'u1', 'project_id': 'p', 'user_id': 'u', 'vcpus': 1,
            'memory_mb': 64, 'root_gb': 1, 'host': 'node1',
            'vm_state': 'active'}])
        self.assertRaises(exception.Conflict, service_db.service_destroy,
                          self.admin, self.service['id'])
        self.assertEqual(1, len(node_db.compute_node_get_all(self.admin)))
