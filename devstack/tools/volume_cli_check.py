#!/usr/bin/env python3
"""Volumes through the unmodified ``openstack`` CLI, step by step, with
SSH into the real QEMU guests (issue 21, acceptance 1; doc/volumes.md,
"Lab check").

    volume_cli_check.py [--image tiny] [--flavor 84] [--network private]
                        [--key-name demo-key] [--ssh-key FILE]
                        [--guest-netns NS] [--other-host]
                        [--steps a,b,...] [--no-guest]

Credentials, the CLI and the output are ``cli_check``'s: one line per
step with its number, ``PASS`` or ``FAIL``, the seconds and what it
saw; the last line ``N passed, N failed``; exit status 0 only when
every step passed. Everything made is deleted at the end.

The steps:

1. ``volume create --size 1``: the volume becomes ``available``;
2. ``server create --key-name ... --wait`` twice: two servers ACTIVE
   (A and B), each with a fixed address; with ``--other-host`` B is
   created with the scheduler hint ``different_host=A`` once A is
   ACTIVE, and their ``hostId`` (the compute API's per-project hash of
   the host) must differ: B runs on another compute node;
3. ``server add volume A V``: the volume is ``in-use``, attached to A;
   A's console shows ``NOVA_LITE_DISK <dev> 1073741824`` (the tiny
   guest reports every disk that comes, doc/guest-image.md);
4. (guest) over SSH into A (from the network namespace of A's QEMU on
   this machine, a lab node's included, else ``--guest-netns``): a
   marker line written to the raw disk and synced, then read back;
5. ``server remove volume A V``: ``available`` again, A's console shows
   ``NOVA_LITE_DISK_GONE <dev>``;
6. ``server add volume B V``: ``in-use``, attached to B; B's console
   shows the disk;
7. (guest) the export is fenced: ``volume attachment show`` (block
   storage API 3.27) gives the attachment's NBD export (host, port);
   B's QEMU has a TCP connection to it from its namespace, and a TCP
   connect to it from every other namespace on the storage network
   (the other computes' ``stor0``, this machine's) is refused (the
   volume service's nftables filter answers the attachment's host only);
8. (guest) over SSH into B: the first line of the disk is the marker A
   wrote;
9. ``volume create --image IMAGE --size 1`` (R), then ``server create
   --volume R`` (C): R is ``available`` and ``bootable`` before;
   C is ACTIVE with an address and no image, R is ``in-use`` on C as
   ``/dev/vda``; over SSH C's root file system is on ``/dev/vda``, whose
   serial (``/sys/block/vda/serial``, the libvirt disk's ``<serial>``)
   is R's id;
10. ``server create --boot-from-volume 1 --image IMAGE`` (D, the
    CLI's default: it sends ``delete_on_termination`` false) and the
    same with ``--delete-on-termination`` (E): both ACTIVE, each with
    one volume attached (a new 1 GiB volume, ``in-use`` on it as
    ``/dev/vda``) whose ``delete_on_termination`` in ``server show``
    (compute API 2.3) is false for D and true for E; over SSH each
    guest's root is on ``vda``, whose serial is its volume's id;
11. ``server delete --wait`` C, D and E: R and D's volume are
    ``available`` again with no attachment (kept: false), E's volume
    is deleted (true);
12. ``server remove volume B V``, ``volume delete V``: the volume is
    gone.

``--no-guest`` (a fake-driver lab) leaves out steps 4, 7 and 8 and the
console and SSH checks (the others keep their numbers). Steps 4, 7 and
8 need root (``ip netns``).
"""
import argparse
import json
import re
import sys
import time

import lab_storage as storage
from cli_check import CliCheck, StepFailed, main as run_main

STEPS = ('volume_create', 'servers_create', 'attach_first', 'write_marker',
         'detach_first', 'attach_second', 'export_fenced', 'read_marker',
         'boot_volume', 'boot_from_volume', 'delete_bfv_servers', 'delete')
GUEST_STEPS = ('write_marker', 'export_fenced', 'read_marker')
GiB = 1024 ** 3
ADDRESS = re.compile(r'\b(\d{1,3}(?:\.\d{1,3}){3})\b')


class VolumeCheck(CliCheck):
    """One volume, written from one server and read from another."""

    STEPS = STEPS

    def __init__(self, args):
        super().__init__(args)
        self.suffix = '%x' % int(time.time())
        self.ids = {}
        self.ssh_netns = args.guest_netns
        self.marker = 'NOVA_LITE_VOLCHECK %s' % self.suffix

    # -- helpers -------------------------------------------------------------

    def volume(self):
        return self.cli('volume', 'show', self.ids['volume'])

    def wait_volume(self, status):
        """Poll ``volume show`` until ``status``; the volume. ``error``
        fails the step at once."""
        def reached():
            vol = self.volume()
            if vol['status'] == 'error':
                raise StepFailed('volume %s is error' % vol['id'])
            return vol if vol['status'] == status else None
        return self.wait_until('volume %s' % status, reached)

    @staticmethod
    def attached_to(vol):
        """The server ids of a ``volume show``'s attachments."""
        found = vol.get('attachments') or []
        if isinstance(found, str):  # older clients print text
            return re.findall(r"server_id='([0-9a-f-]+)'", found)
        return [a.get('server_id') for a in found]

    def wait_disk(self, server, gone=None):
        """The guest's ``NOVA_LITE_DISK <dev> <bytes>`` line (or, with
        ``gone``, its ``NOVA_LITE_DISK_GONE <gone>``): ``(dev, bytes)``;
        None without guests."""
        if self.args.no_guest:
            return None
        if gone:
            self.wait_console(server, 'NOVA_LITE_DISK_GONE %s' % gone)
            return gone, 0
        line = self.wait_console(server, 'NOVA_LITE_DISK ')
        dev, size = line.split()[1:3]
        if int(size) != GiB:
            raise StepFailed('the guest sees %s of %s bytes' % (dev, size))
        return dev, int(size)

    def attach(self, key):
        server = self.ids[key]
        self.cli('server', 'add', 'volume', server, self.ids['volume'],
                 parse=False)
        vol = self.wait_volume('in-use')
        if self.attached_to(vol) != [server]:
            raise StepFailed('volume attached to %s, not %s' % (
                self.attached_to(vol), server))
        disk = self.wait_disk(server)
        self.ids['dev_' + key] = disk[0] if disk else None
        return 'in-use on %s%s' % (server, '; the guest says %s %d' % disk
                                   if disk else '')

    def detach(self, key):
        server = self.ids[key]
        self.cli('server', 'remove', 'volume', server, self.ids['volume'],
                 parse=False)
        self.wait_volume('available')
        if self.ids.get('dev_' + key):
            self.wait_disk(server, gone=self.ids['dev_' + key])
        return 'available; %s no longer has %s' % (
            server, self.ids.get('dev_' + key) or 'it')

    def boot(self, name, *extra):
        body = self.cli('server', 'create', '--image', self.args.image,
                        '--flavor', self.args.flavor, '--network',
                        self.args.network, '--key-name', self.args.key_name,
                        *extra, name)
        self.made('server', body['id'], False, '--wait')
        return body['id']

    def address(self, server):
        """The first IPv4 address of ``server show``."""
        body = self.cli('server', 'show', server)
        found = ADDRESS.findall(json.dumps(body.get('addresses')))
        if not found:
            raise StepFailed('server %s has no address: %s' % (
                server, body.get('addresses')))
        return found[0]

    def wait_active(self, server):
        def active():
            body = self.cli('server', 'show', server)
            if body['status'] == 'ERROR':
                raise StepFailed('%s is ERROR: %s' % (server,
                                                      body.get('fault')))
            return body if body['status'] == 'ACTIVE' else None
        return self.wait_until('ACTIVE %s' % server, active)

    # -- steps ---------------------------------------------------------------

    def step_volume_create(self):
        vol = self.cli('volume', 'create', '--size', '1',
                       'volcheck-' + self.suffix)
        self.ids['volume'] = vol['id']
        self.made('volume', vol['id'])
        vol = self.wait_volume('available')
        return 'volume %s: %s, %s GiB' % (vol['id'], vol['status'],
                                          vol['size'])

    def guest_ssh(self, key, command):
        """``ssh_until`` into server ``key`` from the namespace of its
        QEMU (else ``--guest-netns``)."""
        return self.ssh_until(self.ids['ip_' + key], command,
                              self.server_netns(self.ids[key]))

    def step_servers_create(self):
        self.ids['a'] = self.boot('volcheck-a-' + self.suffix)
        hint = ()
        if self.args.other_host:
            self.wait_active(self.ids['a'])
            hint = ('--hint', 'different_host=' + self.ids['a'])
        self.ids['b'] = self.boot('volcheck-b-' + self.suffix, *hint)
        seen, host_ids = [], set()
        for key in ('a', 'b'):
            body = self.wait_active(self.ids[key])
            host_ids.add(body.get('hostId'))
            self.ids['ip_' + key] = self.address(self.ids[key])
            seen.append('%s ACTIVE at %s (QEMU in %s)' % (
                self.ids[key], self.ids['ip_' + key],
                self.server_netns(self.ids[key]) or 'no namespace here'))
        if self.args.other_host:
            if len(host_ids) != 2:
                raise StepFailed('both servers on hostId %s' % host_ids)
            seen.append('hostIds differ: another node')
        return '; '.join(seen)

    def step_attach_first(self):
        return self.attach('a')

    def step_write_marker(self):
        self.wait_console(self.ids['a'], 'NOVA_LITE_SSH_UP')
        dev = '/dev/' + self.ids['dev_a']
        said = self.guest_ssh('a', (
            "printf '%s\\n' > {dev} && sync && head -n 1 {dev}"
            .format(dev=dev)) % self.marker).stdout.strip()
        if said != self.marker:
            raise StepFailed('read back %r from %s' % (said, dev))
        return 'ssh root@%s: wrote and read back %r on %s' % (
            self.ids['ip_a'], said, dev)

    def step_detach_first(self):
        return self.detach('a')

    def step_attach_second(self):
        return self.attach('b')

    def step_read_marker(self):
        self.wait_console(self.ids['b'], 'NOVA_LITE_SSH_UP')
        dev = '/dev/' + self.ids['dev_b']
        said = self.guest_ssh('b', 'head -n 1 %s' % dev).stdout.strip()
        if said != self.marker:
            raise StepFailed('%s of %s says %r, want %r' % (
                dev, self.ids['b'], said, self.marker))
        return 'ssh root@%s: %s says %r' % (self.ids['ip_b'], dev, said)

    def export_of(self, server):
        """``(host, port)`` of the NBD export of the volume's attachment
        to ``server`` (block storage API 3.27 attachments)."""
        listed = self.cli('--os-volume-api-version', '3.27', 'volume',
                          'attachment', 'list', '--volume-id',
                          self.ids['volume'])
        ours = [a['ID'] for a in listed
                if a.get('Server ID', a.get('Instance')) == server]
        if len(ours) != 1:
            raise StepFailed('attachments of %s to %s: %s' % (
                self.ids['volume'], server, listed))
        shown = self.cli('--os-volume-api-version', '3.27', 'volume',
                         'attachment', 'show', ours[0])
        info = shown.get('Properties', shown.get('connection_info')) or {}
        data = info.get('data') or {}
        if not data.get('host') or not data.get('port'):
            raise StepFailed('attachment %s: no export in %r' % (ours[0],
                                                                 info))
        return data['host'], int(data['port'])

    def step_export_fenced(self):
        host, port = self.export_of(self.ids['b'])
        home = self.server_netns(self.ids['b'])
        if not home:
            raise StepFailed('no QEMU of %s on this machine' % self.ids['b'])
        if not storage.connected(home, host, port):
            raise StepFailed('no connection from %s to %s:%d' % (
                home, host, port))
        others = [ns for ns in storage.storage_namespaces() if ns != home]
        for ns in others + [None]:
            refused = storage.connect_refused(ns, host, port)
            if refused is not True:
                raise StepFailed('a connect from %s to %s:%d: %s' % (
                    ns or 'this namespace', host, port, refused))
        return ('export %s:%d: connected from %s (B\'s QEMU); refused '
                'from %s' % (host, port, home, ', '.join(
                    others + ['this machine\'s namespace'])))

    # -- boot from volume ----------------------------------------------------

    def volume_show(self, ident):
        return self.cli('volume', 'show', ident)

    def wait_volume_id(self, ident, status):
        """``wait_volume`` for any volume."""
        def reached():
            vol = self.volume_show(ident)
            if vol['status'] == 'error':
                raise StepFailed('volume %s is error' % ident)
            return vol if vol['status'] == status else None
        return self.wait_until('volume %s %s' % (ident, status), reached)

    @staticmethod
    def attachments(vol):
        """``[(server_id, device)]`` of a ``volume show``."""
        found = vol.get('attachments') or []
        if isinstance(found, str):
            return re.findall(r"server_id='([0-9a-f-]+)'.*?device='([^']*)'",
                              found)
        return [(a.get('server_id'), a.get('device')) for a in found]

    @staticmethod
    def volumes_attached(server):
        """``{volume_id: delete_on_termination}`` of a ``server show``."""
        found = server.get('volumes_attached') or []
        if isinstance(found, str):
            return {m[1]: m[0] == 'True' for m in re.findall(
                r"delete_on_termination='(\w+)', id='([0-9a-f-]+)'", found)}
        return {a['id']: a.get('delete_on_termination') for a in found}

    def boot_root_volume(self, name, *how):
        """``server create`` with ``how`` (the boot source options);
        the server id (ACTIVE)."""
        body = self.cli('server', 'create', '--flavor', self.args.flavor,
                        '--network', self.args.network, '--key-name',
                        self.args.key_name, *how, name)
        self.made('server', body['id'], False, '--wait')
        return body['id']

    def check_root_volume(self, server, volume):
        """``server`` is ACTIVE with no image, ``volume`` is in-use on it
        as /dev/vda and, in the guest, the root file system is on vda,
        whose serial is the volume's id. What was seen."""
        body = self.wait_active(server)
        if body.get('image') not in ('', None) and 'booted from volume' \
                not in str(body.get('image')):
            raise StepFailed('%s shows image %r' % (server, body['image']))
        vol = self.volume_show(volume)
        if vol['status'] != 'in-use' or self.attachments(vol) != [
                (server, '/dev/vda')]:
            raise StepFailed('volume %s: %s, attachments %s' % (
                volume, vol['status'], self.attachments(vol)))
        ip = self.address(server)
        seen = '%s ACTIVE at %s, volume %s in-use as /dev/vda' % (
            server, ip, volume)
        if self.args.no_guest:
            return seen
        self.wait_console(server, 'NOVA_LITE_SSH_UP')
        said = self.ssh_until(ip, (
            "awk '$2 == \"/\" {print $1}' /proc/mounts; "
            "cat /sys/block/vda/serial"), self.server_netns(server)
        ).stdout.split()
        if said != ['/dev/vda', volume[:20]]:
            raise StepFailed('ssh root@%s: root device and vda serial %r, '
                             'want /dev/vda and %s' % (ip, said, volume[:20]))
        return seen + '; ssh: / on /dev/vda, serial %s' % said[1]

    def step_boot_volume(self):
        vol = self.cli('volume', 'create', '--image', self.args.image,
                       '--size', '1', 'volcheck-root-' + self.suffix)
        self.ids['root_volume'] = vol['id']
        self.made('volume', vol['id'])
        vol = self.wait_volume_id(vol['id'], 'available')
        if str(vol.get('bootable')).lower() != 'true':
            raise StepFailed('volume %s made of %s is not bootable: %r' % (
                vol['id'], self.args.image, vol.get('bootable')))
        self.ids['c'] = self.boot_root_volume(
            'volcheck-c-' + self.suffix, '--volume', vol['id'])
        return self.check_root_volume(self.ids['c'], vol['id'])

    def step_boot_from_volume(self):
        seen = []
        for key, extra in (('d', ()), ('e', ('--delete-on-termination',))):
            self.ids[key] = self.boot_root_volume(
                'volcheck-%s-%s' % (key, self.suffix), '--image',
                self.args.image, '--boot-from-volume', '1', *extra)
        for key, want in (('d', False), ('e', True)):
            self.wait_active(self.ids[key])
            # delete_on_termination is in the server's view from 2.3.
            attached = self.volumes_attached(self.cli(
                '--os-compute-api-version', '2.3', 'server', 'show',
                self.ids[key]))
            if len(attached) != 1:
                raise StepFailed('%s has volumes %s' % (self.ids[key],
                                                        attached))
            (volume, dot), = attached.items()
            self.ids['volume_' + key] = volume
            if key == 'd':  # kept: the clean-up deletes it
                self.made('volume', volume)
            if dot is not want:
                raise StepFailed('%s: delete_on_termination %r, want %r' % (
                    volume, dot, want))
            vol = self.volume_show(volume)
            if vol['id'] in (self.ids.get('volume'), self.ids.get(
                    'root_volume')) \
                    or int(vol['size']) != 1:
                raise StepFailed('%s boots from volume %s of %s GiB' % (
                    self.ids[key], vol['id'], vol['size']))
            seen.append('%s (delete_on_termination %s)' % (
                self.check_root_volume(self.ids[key], volume), dot))
        return '; '.join(seen)

    def step_delete_bfv_servers(self):
        for key in ('c', 'd', 'e'):
            self.cli('server', 'delete', '--wait', self.ids[key], parse=False)
        self.cleanup = [c for c in self.cleanup
                        if not (c[1][0] == 'server' and c[1][-1] in (
                            self.ids['c'], self.ids['d'], self.ids['e']))]
        seen = []
        for key in ('root_volume', 'volume_d'):
            vol = self.wait_volume_id(self.ids[key], 'available')
            if self.attachments(vol):
                raise StepFailed('volume %s still attached: %s' % (
                    vol['id'], self.attachments(vol)))
            seen.append('%s kept, available' % vol['id'])

        def gone():
            listed = self.cli('volume', 'list')
            return not any(v['ID'] == self.ids['volume_e'] for v in listed)
        self.wait_until('volume %s deleted' % self.ids['volume_e'], gone)
        seen.append('%s deleted' % self.ids['volume_e'])
        return 'servers %s, %s, %s deleted; %s' % (
            self.ids['c'], self.ids['d'], self.ids['e'], '; '.join(seen))


    def step_delete(self):
        self.detach('b')
        self.cli('volume', 'delete', self.ids['volume'], parse=False)

        def gone():
            listed = self.cli('volume', 'list')
            return not any(v['ID'] == self.ids['volume'] for v in listed)
        self.wait_until('volume deleted', gone)
        self.cleanup = [c for c in self.cleanup
                        if c[1] != ('volume', 'delete', self.ids['volume'])]
        return 'volume %s detached and deleted' % self.ids['volume']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--image', default='tiny')
    parser.add_argument('--flavor', default='84',
                        help='flavor to boot (84: m1.micro, 192 MiB)')
    parser.add_argument('--network', default='private',
                        help='network of the servers (the lab\'s flat one)')
    parser.add_argument('--key-name', default='demo-key')
    parser.add_argument('--ssh-key', help='private key of --key-name')
    parser.add_argument('--guest-netns', help='namespace SSH to the '
                        'servers\' fixed addresses runs from (the guest '
                        'network\'s)')
    parser.add_argument('--other-host', action='store_true',
                        help='the second server on another compute node '
                        '(scheduler hint different_host)')
    parser.add_argument('--steps', help='comma-separated, of: '
                        + ', '.join(STEPS))
    parser.add_argument('--no-guest', action='store_true',
                        help='no SSH nor console checks (a fake-driver '
                        'lab)')
    args = parser.parse_args(argv)
    if args.steps:
        args.steps = [s for s in args.steps.split(',') if s]
    else:
        args.steps = [s for s in STEPS
                      if not (args.no_guest and s in GUEST_STEPS)]
    unknown = set(args.steps) - set(STEPS)
    if unknown:
        parser.error('unknown steps: %s' % ', '.join(sorted(unknown)))
    if not args.no_guest and not args.ssh_key:
        parser.error('--ssh-key is needed for the guest steps')
    return args


def main(argv=None):
    args = parse_args(argv)
    return run_main(VolumeCheck(args), args.steps)


if __name__ == '__main__':
    sys.exit(main())
