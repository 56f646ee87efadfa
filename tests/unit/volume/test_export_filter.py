"""The nftables rules of an export (``nova_lite.volume.export``): the
port answers its connector's address, and during a server's move the
other host's too (doc/volumes.md, "Exports" and "Moves"); ``allow``
rewrites them without touching qemu-nbd."""
import ipaddress
from unittest import mock

import fixtures
import testtools

from nova_lite.volume import errors
from nova_lite.volume import export


class FilterRulesTest(testtools.TestCase):

    def rules(self, sources):
        with mock.patch.object(export, '_nft') as nft:
            export._filter_add('att-1', 10810, [ipaddress.ip_address(a)
                                                for a in sources])
        (script,), _ = nft.call_args
        return [line for line in script.splitlines()
                if line.startswith('add rule')]

    def test_one_connector(self):
        v4, v6 = self.rules(['192.0.2.5'])
        self.assertIn('nfproto ipv4 tcp dport 10810 ip saddr != '
                      '{ 192.0.2.5 } reject', v4)
        # No IPv6 source: the port refuses IPv6 entirely.
        self.assertIn('nfproto ipv6 tcp dport 10810 reject', v6)
        self.assertIn('comment "att-att-1"', v6)

    def test_owner_and_peer(self):
        v4, v6 = self.rules(['192.0.2.5', '192.0.2.6', '2001:db8::7'])
        self.assertIn('ip saddr != { 192.0.2.5, 192.0.2.6 } reject', v4)
        self.assertIn('ip6 saddr != { 2001:db8::7 } reject', v6)

    def test_allow_rewrites_the_rules_only(self):
        exporter = export.NBDExporter(self.useFixture(
            fixtures.TempDir()).path)
        self.useFixture(fixtures.MockPatch(
            'nova_lite.volume.export.CONF'))
        export.CONF.volume.export_filter = 'nftables'
        with mock.patch.object(export, '_filter_remove') as remove, \
                mock.patch.object(export, '_filter_add') as add, \
                mock.patch.object(exporter, 'close') as close:
            exporter.allow('att-1', 10810, ['192.0.2.6', '192.0.2.5',
                                            '192.0.2.6'])
        remove.assert_called_once_with('att-1')
        add.assert_called_once_with('att-1', 10810, [
            ipaddress.ip_address('192.0.2.6'),
            ipaddress.ip_address('192.0.2.5')])
        close.assert_not_called()
        self.assertRaises(errors.Invalid, exporter.allow, 'att-1', 10810,
                          ['not-an-ip'])
