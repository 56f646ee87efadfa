"""NBD exports of volumes, one per attachment (doc/volumes.md,
"Exports").

Each export is a ``qemu-nbd`` process serving the volume's file on
``[volume] export_address`` and a port of ``export_port_min``..
``export_port_max``, under the export name ``attachment-<uuid>``, with
a pid file ``exports/<attachment uuid>.pid`` in ``volumes_dir`` (so a
restarted service finds the exports it left). With ``export_filter =
nftables`` the table ``inet nova_lite_volume`` of this service's
network namespace rejects (TCP reset) the export's port from every
source but the attachment's connector ``ip`` (and, while its server
moves to another host, the other host's: ``allow``; doc/volumes.md,
"Moves").

The connection info given to the attacher::

    {"driver_volume_type": "nbd",
     "data": {"host": "<export_address>", "port": <int>,
              "export_name": "attachment-<uuid>", "format": "raw"|"qcow2",
              "volume_id": "<uuid>", "attachment_id": "<uuid>",
              "access_mode": "rw"|"ro"}}

``format`` is the file's format, read by qemu-nbd: the attacher always
sees raw data over NBD.
"""
import ipaddress
import os
import signal
import subprocess
import time

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.volume import errors

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
TABLE = 'nova_lite_volume'
#: Seconds to wait for a new qemu-nbd to listen.
START_TIMEOUT = 10


def export_name(attachment_uuid):
    return 'attachment-%s' % attachment_uuid


class NBDExporter:
    """Opens and closes the exports of one volume service."""

    def __init__(self, volumes_dir=None):
        self.dir = os.path.join(volumes_dir or CONF.volume.volumes_dir,
                                'exports')
        os.makedirs(self.dir, exist_ok=True)

    def _pidfile(self, attachment_uuid):
        return os.path.join(self.dir, '%s.pid' % attachment_uuid)

    def open(self, volume, attachment_uuid, connector_ip, port,
             read_only=False, peer_ips=()):
        """Serve ``volume``'s file for one attachment on ``port``,
        reachable from ``connector_ip`` (and ``peer_ips``) only (with the
        nftables filter).

        :returns: the connection info (module docstring)
        :raises: Invalid when an address is not an IP address;
            DriverError when qemu-nbd does not start
        """
        sources = _addresses([connector_ip, *peer_ips])
        self.close(attachment_uuid)
        if CONF.volume.export_filter == 'nftables':
            _filter_add(attachment_uuid, port, sources)
        argv = [CONF.volume.qemu_nbd, '--persistent', '--shared=4',
                '--bind', CONF.volume.export_address, '--port', str(port),
                '--export-name', export_name(attachment_uuid),
                '--format', volume.get('format') or 'raw',
                '--cache=none', '--aio=threads',
                '--pid-file', self._pidfile(attachment_uuid)]
        if read_only:
            argv.append('--read-only')
        argv.append(volume['provider_location'])
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE,
                                start_new_session=True)
        self._wait_listening(proc, port, attachment_uuid)
        return {'driver_volume_type': 'nbd', 'data': {
            'host': CONF.volume.export_address, 'port': port,
            'export_name': export_name(attachment_uuid),
            'format': volume.get('format') or 'raw',
            'volume_id': volume['uuid'], 'attachment_id': attachment_uuid,
            'access_mode': 'ro' if read_only else 'rw'}}

    def _wait_listening(self, proc, port, attachment_uuid):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                stderr = proc.stderr.read().decode(errors='replace')
                self.close(attachment_uuid)
                raise errors.DriverError(reason='qemu-nbd exited: %s'
                                         % stderr.strip()[-300:])
            if os.path.exists(self._pidfile(attachment_uuid)) and \
                    _listening(port):
                proc.stderr.close()
                return
            time.sleep(0.05)
        proc.kill()
        self.close(attachment_uuid)
        raise errors.DriverError(reason='qemu-nbd did not listen on port '
                                 '%d' % port)

    def allow(self, attachment_uuid, port, ips):
        """Let exactly ``ips`` (str addresses) reach the running export of
        the attachment on ``port``; its qemu-nbd and the connections of
        the addresses kept are left alone (a guest moving between hosts
        keeps its disk). A no-op without the nftables filter.

        :raises: Invalid (not an IP address); DriverError (nft failed)
        """
        sources = _addresses(ips)
        if CONF.volume.export_filter == 'nftables':
            _filter_remove(attachment_uuid)
            _filter_add(attachment_uuid, port, sources)

    def close(self, attachment_uuid):
        """Stop the attachment's export and drop its filter rules (a
        no-op when none is open)."""
        pid = self.pid(attachment_uuid)
        if pid is not None:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            _wait_gone(pid)
        try:
            os.unlink(self._pidfile(attachment_uuid))
        except FileNotFoundError:
            pass
        if CONF.volume.export_filter == 'nftables':
            _filter_remove(attachment_uuid)

    def pid(self, attachment_uuid):
        """The pid of the attachment's live qemu-nbd, or None."""
        try:
            with open(self._pidfile(attachment_uuid)) as handle:
                pid = int(handle.read().strip())
            with open('/proc/%d/cmdline' % pid, 'rb') as handle:
                cmdline = handle.read()
        except (OSError, ValueError):
            return None
        if export_name(attachment_uuid).encode() not in cmdline:
            return None
        return pid

    def open_exports(self):
        """Attachment uuids that have a pid file here."""
        return sorted(name[:-4] for name in os.listdir(self.dir)
                      if name.endswith('.pid'))


def _addresses(ips):
    """The distinct ``ipaddress`` objects of ``ips`` (order kept).

    :raises: Invalid for a value that is not an IP address
    """
    found = []
    for value in ips:
        try:
            address = ipaddress.ip_address(value or '')
        except ValueError:
            raise errors.Invalid(reason='connector ip %r is not an IP '
                                 'address' % value) from None
        if address not in found:
            found.append(address)
    return found


def _listening(port):
    """True when a TCP socket of this namespace listens on ``port``
    (``/proc/net/tcp``, ``tcp6``; a connect would be filtered)."""
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(table) as lines:
                for line in list(lines)[1:]:
                    cols = line.split()
                    if cols[3] == '0A' and \
                            int(cols[1].rsplit(':', 1)[1], 16) == port:
                        return True
        except OSError:
            continue
    return False


def _wait_gone(pid, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        try:  # our own child: reap it
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            pass
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _nft(script):
    try:
        subprocess.run([CONF.volume.nft, '-f', '-'], input=script,
                       check=True, capture_output=True, text=True,
                       timeout=30)
    except subprocess.CalledProcessError as exc:
        raise errors.DriverError(reason='nft failed: %s'
                                 % exc.stderr.strip()[-300:]) from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise errors.DriverError(reason='nft: %s' % exc) from None


def _filter_add(attachment_uuid, port, sources):
    """Reject ``port`` from every address but ``sources`` (``ipaddress``
    objects); the rules carry the attachment's uuid as comment."""
    comment = 'att-%s' % attachment_uuid
    script = ('table inet %s {\n chain input {\n  type filter hook input '
              'priority 0; policy accept;\n }\n}\n' % TABLE)
    for version, family in ((4, 'ip'), (6, 'ip6')):
        allowed = [str(a) for a in sources if a.version == version]
        match = ('%s saddr != { %s } ' % (family, ', '.join(allowed))
                 if allowed else '')
        script += ('add rule inet %(t)s input meta nfproto ipv%(v)d tcp '
                   'dport %(port)d %(match)sreject with tcp reset comment '
                   '"%(c)s"\n' % {'t': TABLE, 'v': version, 'port': port,
                                  'match': match, 'c': comment})
    _nft(script)


def _filter_remove(attachment_uuid):
    """Delete the rules commented with the attachment's uuid."""
    try:
        listing = subprocess.run(
            [CONF.volume.nft, '-a', 'list', 'chain', 'inet', TABLE,
             'input'], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        LOG.warning('nft list failed: %s', exc)
        return
    comment = '"att-%s"' % attachment_uuid
    handles = [line.rsplit('# handle', 1)[1].strip()
               for line in listing.stdout.splitlines()
               if comment in line and '# handle' in line]
    if handles:
        _nft(''.join('delete rule inet %s input handle %s\n' % (TABLE, h)
                     for h in handles))
