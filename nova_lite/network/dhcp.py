"""The DHCP host entries of a compute's guest network.

Each compute node's guest bridge has a dnsmasq (in the guest network's
namespace, see doc/networking.md) that answers only the guests listed in
its hosts file (``dnsmasq --dhcp-hostsfile=FILE --dhcp-range=NET,static``).
The compute keeps that file current: it has no database access, so the
entries come from the network info its build and delete requests carry
(``objects.VIF``: ``mac`` and ``address``) and the instance's
``hostname``.

The file holds one ``<mac>,<ipv4 address>,<hostname>`` line per NIC
(dnsmasq's ``--dhcp-host`` syntax, "DHCP host file" in dnsmasq(8)): a
port with several fixed IPs (one VIF each, one MAC) has the line of its
first (DHCP answers a MAC with one address); the guest configures the
others itself (compute API ``addFixedIp``, doc/interfaces.md). It is
written whole into a temporary file of the same directory and renamed
over the old one (readers never see half a file), then dnsmasq is sent
SIGHUP, on which it re-reads the file. A MAC or an address appears on at
most one line: adding an entry replaces lines of the same MAC or address
(a stale line of a deleted instance whose address was handed out again).

A removed entry's lease is released too: dnsmasq does not hand a listed
address to a MAC while the address is still leased to another ("not
using configured address ... because it is leased to ..."), so an address
freed by a delete and soon given to a new instance would get no answer
until the old lease expired. With ``[network] guest_netns`` the compute
runs dnsmasq-utils' ``dhcp_release <bridge> <address> <mac>`` in that
namespace (it sends dnsmasq the DHCPRELEASE the deleted guest never
sent); without ``dhcp_release`` installed this is skipped with a warning.

``[network] dhcp_hostsfile`` names the file (unset: no DHCP entries are
kept) and ``[network] dhcp_pidfile`` dnsmasq's pid file.
"""
import errno
import ipaddress
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading

from oslo_config import cfg

from nova_lite.objects import instance as instance_obj

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

_MAC_RE = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$')
_LABEL_BAD = re.compile(r'[^a-z0-9-]+')
#: dnsmasq reads hosts file lines up to 1024 characters; a DNS label is
#: at most 63.
_MAX_HOSTNAME = 63


def dhcp_hostname(name):
    """``name`` as a DHCP host name dnsmasq accepts: lower case letters,
    digits and ``-``, at most 63 characters, no ``-`` at either end (the
    first label of a dotted name); '' when nothing is left.

    Source of the rule: RFC 1123 host names, which dnsmasq checks.
    """
    label = (name or '').split('.', 1)[0].lower()
    label = _LABEL_BAD.sub('-', label)[:_MAX_HOSTNAME]
    return label.strip('-')


def _check_entry(mac, address):
    """:raises: ValueError for a malformed MAC or IPv4 address"""
    if not _MAC_RE.match(mac or ''):
        raise ValueError('not a MAC address: %r' % (mac,))
    ipaddress.IPv4Address(address)


def parse(text):
    """Entries of a hosts file's text: {mac: (address, hostname)}.

    Lines that are not ``mac,address[,hostname]`` (comments, blank lines,
    other dnsmasq syntax) are ignored.
    """
    entries = {}
    for line in text.splitlines():
        parts = line.strip().split(',')
        if len(parts) not in (2, 3):
            continue
        mac = parts[0].lower()
        try:
            _check_entry(mac, parts[1])
        except ValueError:
            continue
        entries[mac] = (parts[1], parts[2] if len(parts) == 3 else '')
    return entries


def render(entries):
    """Text of a hosts file of ``entries`` ({mac: (address, hostname)}),
    sorted by address."""
    def key(item):
        return ipaddress.IPv4Address(item[1][0])
    lines = []
    for mac, (address, hostname) in sorted(entries.items(), key=key):
        lines.append(','.join([mac, address] + ([hostname] if hostname
                                                else [])))
    return ''.join(line + '\n' for line in lines)


class HostsFile:
    """The hosts file at ``path`` and the dnsmasq of ``pidfile``.

    Thread-safe within a process (builds run in parallel threads); one
    compute owns the file.
    """

    def __init__(self, path, pidfile=None, release=None):
        """:param release: ``f(mac, address)`` called for each removed
            entry after the file is rewritten (see ``lease_releaser``)"""
        self.path = path
        self.pidfile = pidfile
        self.release = release
        self._lock = threading.Lock()

    def entries(self):
        """{mac: (address, hostname)} of the file ({} when absent)."""
        try:
            with open(self.path, encoding='utf-8') as f:
                return parse(f.read())
        except FileNotFoundError:
            return {}

    def add(self, vifs, hostname):
        """Entries for ``vifs`` (``objects.VIF``, or dicts with ``mac``
        and ``address``) named ``hostname``; lines of the same MAC or
        address are replaced. Returns True when the file changed.

        :raises: ValueError for a malformed MAC or address (nothing is
            written then)
        """
        name = dhcp_hostname(hostname)
        new = []
        for vif in instance_obj.nics(vifs):
            mac, address = vif['mac'].lower(), vif['address']
            _check_entry(mac, address)
            new.append((mac, address))
        with self._lock:
            entries = self.entries()
            before = dict(entries)
            for mac, address in new:
                for old_mac, (old_address, _name) in list(entries.items()):
                    if old_address == address:
                        del entries[old_mac]
                entries[mac] = (address, name)
            return self._commit(before, entries)

    def remove(self, vifs):
        """Drop the entries of ``vifs`` (by MAC, and any line of their
        address). Returns True when the file changed."""
        macs = {vif['mac'].lower() for vif in vifs}
        addresses = {vif['address'] for vif in vifs}
        with self._lock:
            entries = self.entries()
            before = dict(entries)
            gone = []
            for mac, (address, _name) in list(entries.items()):
                if mac in macs or address in addresses:
                    del entries[mac]
                    gone.append((mac, address))
            changed = self._commit(before, entries)
        for mac, address in gone:
            self._release(mac, address)
        return changed

    def _release(self, mac, address):
        if self.release is None:
            return
        try:
            self.release(mac, address)
        except Exception:  # noqa: BLE001 - the lease expires anyway
            LOG.exception('DHCP lease of %s (%s) not released', address,
                          mac)

    def replace_all(self, instances):
        """Make the file hold exactly the NICs of ``instances``, an
        iterable of (hostname, vifs): a compute's start-up resync.
        Returns True when the file changed."""
        entries = {}
        for hostname, vifs in instances:
            name = dhcp_hostname(hostname)
            for vif in instance_obj.nics(vifs):
                mac, address = vif['mac'].lower(), vif['address']
                try:
                    _check_entry(mac, address)
                except ValueError as exc:
                    LOG.warning('DHCP entry skipped: %s', exc)
                    continue
                entries[mac] = (address, name)
        with self._lock:
            return self._commit(self.entries(), entries)

    def _commit(self, before, entries):
        if entries == before and os.path.exists(self.path):
            return False
        self._write(render(entries))
        LOG.info('DHCP hosts file %s: %d entries', self.path, len(entries))
        self.reload()
        return True

    def _write(self, text):
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix='.hosts.')
        try:
            with os.fdopen(fd, 'w', encoding='utf-8') as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise

    def dnsmasq_pid(self):
        """dnsmasq's pid from ``pidfile`` when that process lives, else
        None."""
        if not self.pidfile:
            return None
        try:
            with open(self.pidfile, encoding='ascii') as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except OSError as exc:
            if exc.errno == errno.EPERM:
                return pid
            return None
        return pid

    def reload(self):
        """SIGHUP dnsmasq (it re-reads the hosts file). Returns False,
        with a warning, when no dnsmasq runs: the file is read at its
        start."""
        pid = self.dnsmasq_pid()
        if pid is None:
            LOG.warning('No dnsmasq runs for %s (pid file %s): the entries '
                        'apply when it starts', self.path, self.pidfile)
            return False
        os.kill(pid, signal.SIGHUP)
        return True


def lease_releaser(netns, interface):
    """``f(mac, address)`` running ``ip netns exec NETNS dhcp_release
    INTERFACE ADDRESS MAC`` (dnsmasq-utils), or None when ``dhcp_release``
    is not installed (a warning says so)."""
    if shutil.which('dhcp_release') is None:
        LOG.warning('dhcp_release (Debian package dnsmasq-utils) is not '
                    'installed: a deleted guest\'s DHCP lease stays until '
                    'it expires')
        return None

    def release(mac, address):
        result = subprocess.run(
            ['ip', 'netns', 'exec', netns, 'dhcp_release', interface,
             address, mac], capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            LOG.warning('dhcp_release %s %s in %s failed: %s', address, mac,
                        netns, result.stderr.strip())
    return release


def from_config(conf=None):
    """The ``HostsFile`` of ``[network] dhcp_hostsfile``, or None when it
    is unset; it releases leases when ``[network] guest_netns`` is set."""
    conf = conf or CONF
    if not conf.network.dhcp_hostsfile:
        return None
    release = None
    if conf.network.guest_netns:
        release = lease_releaser(conf.network.guest_netns,
                                 conf.network.bridge)
    return HostsFile(conf.network.dhcp_hostsfile,
                     conf.network.dhcp_pidfile, release)
