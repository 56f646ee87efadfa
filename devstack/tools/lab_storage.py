"""Probes of the lab's storage network (devstack/lib/guestnet): which
namespaces are on it, whether one has a TCP connection to a volume
export, whether a connect to an export from one is refused. Run as root
(``ip netns exec``); used by ``volume_cli_check.py``."""
import ipaddress
import subprocess
import sys

#: Seconds a probe connect may take (a filtered export answers at once
#: with a TCP reset; a drop would time out).
CONNECT_TIMEOUT = 3
#: /proc/net/tcp's state of an established connection.
TCP_ESTABLISHED = '01'

_PROBE = '''
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), %d).close()
    print('connected')
except ConnectionRefusedError:
    print('refused')
except OSError as exc:
    print('error: %%s' %% exc)
''' % CONNECT_TIMEOUT


def _in_netns(netns, *cmd):
    """``cmd`` run in ``netns`` (None: this namespace): CompletedProcess."""
    prefix = ['ip', 'netns', 'exec', netns] if netns else []
    return subprocess.run(prefix + list(cmd), capture_output=True,
                          text=True, timeout=CONNECT_TIMEOUT + 30)


def storage_namespaces():
    """Names of the namespaces with a ``stor0`` link (the computes' ends
    of the storage network)."""
    listed = subprocess.run(['ip', 'netns', 'list'], capture_output=True,
                            text=True).stdout.split('\n')
    names = [line.split()[0] for line in listed if line.strip()]
    return [ns for ns in names if subprocess.run(
        ['ip', '-n', ns, 'link', 'show', 'stor0'], capture_output=True
    ).returncode == 0]


def _proc_net_address(host, port):
    """``/proc/net/tcp``'s form of an IPv4 ``host:port`` (the address's
    bytes in the machine's order, little-endian here)."""
    packed = ipaddress.IPv4Address(host).packed
    return '%s:%04X' % (packed[::-1].hex().upper(), port)


def connected(netns, host, port):
    """True when ``netns`` has an established TCP connection to
    ``host:port`` (IPv4)."""
    table = _in_netns(netns, 'cat', '/proc/net/tcp').stdout.splitlines()
    want = _proc_net_address(host, port)
    return any(cols[2] == want and cols[3] == TCP_ESTABLISHED
               for cols in (line.split() for line in table[1:])
               if len(cols) > 3)


def connect_refused(netns, host, port):
    """True when a TCP connect from ``netns`` (None: this namespace) to
    ``host:port`` is refused; else what happened (``connected``,
    ``error: ...``)."""
    said = _in_netns(netns, sys.executable, '-c', _PROBE, host,
                     str(port)).stdout.strip()
    return True if said == 'refused' else (said or 'no answer')

