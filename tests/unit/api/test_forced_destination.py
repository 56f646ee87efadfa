"""The ``ZONE:HOST:NODE`` form of ``availability_zone`` at create
(compute API reference, "Create Server"; policy
``os_compute_api:servers:create:forced_host``)."""
import testtools

from nova_lite import availability_zones
from tests.unit.api import fakes
from tests.unit.api import test_microversions_wave4 as wave4

SERVERS = wave4.SERVERS
at = wave4.at
server = wave4.server


class ParseTest(testtools.TestCase):

    def test_forms(self):
        parse = availability_zones.parse_forced_destination
        self.assertEqual(('nova', None, None), parse('nova'))
        self.assertEqual((None, None, None), parse(None))
        self.assertEqual(('nova', 'node1', None), parse('nova:node1'))
        self.assertEqual(('nova', None, 'n1.example.org'),
                         parse('nova::n1.example.org'))
        self.assertEqual(('nova', 'node1', 'n1.example.org'),
                         parse('nova:node1:n1.example.org'))
        self.assertEqual((None, 'node1', None), parse(':node1'))


class ForcedHostTest(wave4.RequestedDestinationTest):
    """A forced host reaches the scheduler as the requested destination;
    the zone part stays the server's zone."""

    def test_destination(self):
        admin = at('2.1', fakes.ADMIN)
        spec = self._spec_of_build(self.post(SERVERS, server(
            availability_zone='nova:node1'), admin))
        self.assertEqual(('nova', 'node1', None), (
            spec.availability_zone, spec.requested_host,
            spec.requested_node))
        spec = self._spec_of_build(self.post(SERVERS, server(
            availability_zone='nova::node2.example.org'), admin))
        self.assertEqual((None, 'node2.example.org'),
                         (spec.requested_host, spec.requested_node))
        spec = self._spec_of_build(self.post(SERVERS, server(
            availability_zone=':node2:node2.example.org'), admin))
        self.assertEqual((None, 'node2', 'node2.example.org'), (
            spec.availability_zone, spec.requested_host,
            spec.requested_node))

    def test_refusals(self):
        admin = at('2.74', fakes.ADMIN)
        self.assertFault(self.post(SERVERS, server(
            availability_zone='nova:node1'), at('2.1')), 403, 'forbidden')
        self.assertFault(self.post(SERVERS, server(
            networks='auto', availability_zone='nova:node9'), admin), 400,
            'badRequest', 'no compute node matches')
        self.assertFault(self.post(SERVERS, server(
            networks='auto', availability_zone='nova:node1',
            host='node1'), admin), 400, 'badRequest', 'cannot be combined')
