"""The runner the lab's CLI checks share (``network_cli_check.py``,
``lifecycle_cli_check.py``, ``volume_cli_check.py``): the unmodified
``openstack`` CLI as the lab's users, the guests' consoles and SSH, the
numbered steps and the clean-up.

A check subclasses ``CliCheck``: ``STEPS`` names its steps, each a
method ``step_<name>`` that returns what it saw or raises
``StepFailed``; ``fatal(name)`` says whether a failed step ends the run
(by default every failure does: each step builds on the ones before).
``main(check)`` runs the steps the arguments name, deletes what they
made (``made``) and prints one line per step::

     4 attach_first           PASS (12.3 s): what the step saw
     5 write_marker           FAIL (60.1 s): why

then ``N passed, N failed``; its exit status is 0 only when every step
passed. The CLI is ``$OPENSTACK`` or ``openstack`` from the PATH, with
the ``OS_*`` environment (``source devstack/openrc demo demo``); the
second project's user comes from ``ALT_OS_USERNAME``,
``ALT_OS_PROJECT_NAME`` and ``ALT_OS_PASSWORD`` (default alt_demo,
alt_demo and ``OS_PASSWORD``).
"""
import json
import os
import re
import subprocess
import sys
import time


class StepFailed(Exception):
    """A step did not end as the API reference (or the check) says."""


class CliCheck:
    """Steps run through the ``openstack`` CLI (see the module doc)."""

    STEPS = ()
    #: Seconds: a status change, a TCG boot of the tiny guest (~5-60 s on
    #: a busy 2-core machine), an SSH connection attempt, SSH retries.
    STATUS_TIMEOUT = 300
    BOOT_TIMEOUT = 240
    CONNECT_TIMEOUT = 10
    SSH_RETRY = 120

    def __init__(self, args):
        self.args = args
        self.openstack = os.environ.get('OPENSTACK', 'openstack').split()
        self.cleanup = []           # (alt?, openstack args)
        #: Namespace SSH to guests runs from (None: this one).
        self.ssh_netns = None

    # -- the CLI -------------------------------------------------------------

    @staticmethod
    def alt_env():
        """The environment of the second project's user."""
        env = dict(os.environ)
        env['OS_USERNAME'] = os.environ.get('ALT_OS_USERNAME', 'alt_demo')
        env['OS_PROJECT_NAME'] = os.environ.get('ALT_OS_PROJECT_NAME',
                                                'alt_demo')
        env['OS_PASSWORD'] = os.environ.get('ALT_OS_PASSWORD',
                                            os.environ.get('OS_PASSWORD', ''))
        return env

    def cli(self, *args, parse=True, alt=False):
        """``openstack ARGS`` (``-f json`` when ``parse``) as the first
        project's user, or the second's when ``alt``: the parsed output
        or the text. Raises StepFailed on a non-zero exit."""
        cmd = self.openstack + list(args) + (['-f', 'json'] if parse
                                             else [])
        result = subprocess.run(cmd, capture_output=True, text=True,
                                timeout=self.STATUS_TIMEOUT + 60,
                                env=self.alt_env() if alt else None)
        if result.returncode != 0:
            raise StepFailed('%s: exit %d: %s' % (
                ' '.join(args[:4]), result.returncode,
                result.stderr.strip()[-400:]))
        if not parse:
            return result.stdout
        try:
            return json.loads(result.stdout)
        except ValueError as exc:
            raise StepFailed('%s: not JSON (%s): %r' % (
                ' '.join(args[:3]), exc, result.stdout[:200])) from exc

    def made(self, kind, ident, alt=False, *extra):
        """Remember ``kind ident`` for the clean-up: ``openstack KIND
        delete EXTRA IDENT`` (servers first, the rest newest first)."""
        self.cleanup.append((alt, tuple(kind.split()) + ('delete',) + extra
                             + (ident,)))

    def wait_until(self, what, check, timeout=None, interval=2):
        """Poll ``check()`` until it returns something true (returned);
        StepFailed naming ``what`` after ``timeout`` seconds."""
        timeout = timeout or self.STATUS_TIMEOUT
        deadline = time.monotonic() + timeout
        while True:
            found = check()
            if found:
                return found
            if time.monotonic() > deadline:
                raise StepFailed('no %s in %d s' % (what, timeout))
            time.sleep(interval)

    # -- the guest -----------------------------------------------------------

    def console(self, server, alt=False):
        """The console log of ``server``."""
        return self.cli('console', 'log', 'show', server, parse=False,
                        alt=alt)

    def wait_console(self, server, marker, alt=False, timeout=None):
        """Wait for a console line starting with ``marker``; its text."""
        def found():
            lines = re.findall(r'^%s.*$' % re.escape(marker),
                               self.console(server, alt), re.M)
            return lines[-1].strip() if lines else None
        return self.wait_until('%s on the console of %s' % (marker, server),
                               found, timeout or self.BOOT_TIMEOUT, 3)

    @staticmethod
    def server_netns(server):
        """The network namespace (its ``ip netns`` name) of the QEMU
        running ``server`` on this machine (libvirt gives QEMU the
        domain's uuid, the server's id, as ``-uuid``; a lab node's QEMU
        is a process of this machine too, in the node's namespace), or
        None when no such QEMU runs here."""
        wanted = b'\0-uuid\0' + server.encode() + b'\0'
        for pid in filter(str.isdigit, os.listdir('/proc')):
            try:
                with open('/proc/%s/cmdline' % pid, 'rb') as handle:
                    cmdline = b'\0' + handle.read()
            except OSError:
                continue
            if b'qemu' not in cmdline.split(b'\0', 2)[1] or \
                    wanted not in cmdline:
                continue
            named = subprocess.run(['ip', 'netns', 'identify', pid],
                                   capture_output=True, text=True).stdout
            return named.split()[0] if named.split() else None
        return None

    def ssh(self, address, command, netns=None):
        """``ssh root@address command`` (from ``netns``, else
        ``ssh_netns`` when set) with the key of ``--ssh-key``: the
        CompletedProcess."""
        netns = netns or self.ssh_netns
        cmd = (['ip', 'netns', 'exec', netns] if netns else []) + [
            'ssh', '-i', self.args.ssh_key, '-o', 'StrictHostKeyChecking=no',
            '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes',
            '-o', 'LogLevel=ERROR',
            '-o', 'ConnectTimeout=%d' % self.CONNECT_TIMEOUT,
            'root@' + address, command]
        return subprocess.run(cmd, capture_output=True, text=True,
                              timeout=self.CONNECT_TIMEOUT + 60)

    def ssh_until(self, address, command, netns=None):
        """Retry ``ssh`` for SSH_RETRY seconds; the first success."""
        deadline = time.monotonic() + self.SSH_RETRY
        while True:
            result = self.ssh(address, command, netns)
            if result.returncode == 0:
                return result
            if time.monotonic() > deadline:
                raise StepFailed('ssh root@%s: exit %d: %s' % (
                    address, result.returncode, result.stderr.strip()))
            time.sleep(3)

    # -- driver --------------------------------------------------------------

    def fatal(self, name):
        """Whether a failure of step ``name`` ends the run."""
        return True

    def run(self, steps):
        """Run ``steps`` in order; returns (passed, failed)."""
        passed = failed = 0
        for name in steps:
            number = self.STEPS.index(name) + 1
            started = time.monotonic()
            try:
                detail = getattr(self, 'step_' + name)()
            except (StepFailed, subprocess.TimeoutExpired, KeyError) as exc:
                failed += 1
                print('%2d %-22s FAIL (%.1f s): %s' % (
                    number, name, time.monotonic() - started, exc),
                    flush=True)
                if self.fatal(name):
                    break
                continue
            passed += 1
            print('%2d %-22s PASS (%.1f s): %s' % (
                number, name, time.monotonic() - started, detail),
                flush=True)
        return passed, failed

    def clean(self):
        """Delete what the steps made: servers first (their ports and
        volumes hold the rest), then the rest newest first."""
        ordered = sorted(reversed(self.cleanup),
                         key=lambda item: item[1][0] != 'server')
        for alt, args in ordered:
            try:
                self.cli(*args, parse=False, alt=alt)
            except (StepFailed, subprocess.TimeoutExpired) as exc:
                print('clean-up: %s' % exc, file=sys.stderr)


def main(check, steps):
    """Run ``steps`` of ``check``, clean up, print the summary; the exit
    status (0 only when every step passed)."""
    try:
        passed, failed = check.run(steps)
    finally:
        check.clean()
    print('%d passed, %d failed' % (passed, failed))
    return 0 if passed == len(steps) else 1
