#!/usr/bin/env python3
"""The server lifecycle through the unmodified ``openstack`` CLI, step
by step, with the guest's own account of each boot.

    lifecycle_cli_check.py [--image tiny] [--flavor 84] [--bigger-flavor 1]
                           [--key-name demo-key] [--steps a,b,...]
                           [--no-guest] [--browser]

Credentials come from the ``OS_*`` environment (``source devstack/openrc
demo demo``); ``openstack`` is taken from ``$OPENSTACK`` or the PATH.
Every step runs one or two CLI commands (``-f json`` where they print),
waits for the status the compute API reference gives for the action and
prints ``PASS`` with its number and the seconds it took, or ``FAIL``
with the reason (``cli_check``: a failed boot or rebuild ends the run);
the exit status is 0 only when every step passed.

The tiny guest (doc/guest-image.md) prints ``NOVA_LITE_DISK_ID <id>
BOOT <n>`` on its console at every boot: the id is written to its root
disk at the first boot, the count kept on it. ``openstack console log
show`` reads those lines, and the checks are (unless ``--no-guest``, for
a lab on the fake driver):

* boot: one line ``A BOOT 1``;
* ``server image create --wait``: the snapshot image is active with
  ``image_type`` snapshot; a server booted from it says ``A BOOT 2``
  (the snapshot's disk, one boot more);
* ``server rebuild --wait``: a new disk, ``B BOOT 1`` with B != A;
* ``server resize --wait`` + ``server resize confirm``, and a resize +
  ``server resize revert``; ``server shelve`` + ``server unshelve``;
  ``server rescue`` + ``server unrescue``; ``server delete`` +
  ``server restore`` (soft delete on): after each the same disk id B and
  a higher boot count (the rescue guest itself shows B as its second
  disk);
* ``server pause``/``unpause`` and ``server suspend``/``resume``: no new
  boot line (the guest did not boot);
* ``console url show --novnc`` (with ``--browser``): headless Chromium
  loads the URL, noVNC says "Connected" and its screen, read by
  tesseract, shows the last ``NOVA_LITE_DISK_ID`` line.
"""
import argparse
import os
import re
import sys
import time

from cli_check import CliCheck, StepFailed, main as run_main

DISK_ID = re.compile(r'NOVA_LITE_DISK_ID ([0-9a-f]{32}) BOOT (\d+)')
SECOND_DISK = re.compile(r'NOVA_LITE_SECOND_DISK vdb ([0-9a-f]{32}) BOOT')
REPO_DIR = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
STEPS = ('boot', 'snapshot', 'rebuild', 'resize_confirm', 'resize_revert',
         'pause', 'suspend', 'shelve', 'rescue', 'soft_delete', 'console')
# Seconds: a TCG boot of the tiny guest takes ~5-20 s on a busy 2-core
# machine; a managed save or a snapshot copy of 192 MiB tens of seconds.
STATUS_TIMEOUT = 300
BOOT_TIMEOUT = 180


def screen_shows(url, line):
    """Headless Chromium loads the noVNC ``url``; its status must say
    "Connected" and tesseract must read ``line`` on its screenshot (the
    helpers of the console lab check, tests/functional). Returns what
    was seen; raises StepFailed."""
    sys.path.insert(0, REPO_DIR)
    from tests.functional import chromium
    from tests.functional import test_console_real_guest as screen
    browser = chromium.Chromium()
    try:
        browser.open(url)
        status = browser.novnc_status(60)
        if not (status or '').startswith('Connected'):
            raise StepFailed('noVNC status %r' % status)
        shot = os.path.join(os.environ.get('TMPDIR', '/tmp'),
                            'lifecycle-console.png')
        best = 0.0
        for _attempt in range(15):      # the first update may lag
            browser.screenshot(shot)
            best = screen.ocr_match(screen.ocr(shot), line)
            if best >= screen.OCR_MIN:
                return 'noVNC %r; screen shows the line (OCR %.2f, %s)' % (
                    status, best, shot)
            time.sleep(2)
        raise StepFailed('screen %s: best OCR match %.2f to %r' % (
            shot, best, line))
    finally:
        browser.close()


def flavor_name(server):
    """The flavor name of a ``server show`` body (a dict from 2.47)."""
    flavor = server.get('flavor') or {}
    if isinstance(flavor, dict):
        return flavor.get('original_name') or flavor.get('name')
    return flavor


class LifecycleCheck(CliCheck):
    """One server (and one snapshot clone) through the steps."""

    STEPS = STEPS
    STATUS_TIMEOUT = STATUS_TIMEOUT
    BOOT_TIMEOUT = BOOT_TIMEOUT

    def __init__(self, args):
        super().__init__(args)
        self.server = None
        self.disk = None            # (disk id, count) of self.server
        self.console_boots_before = []

    def show(self, server):
        return self.cli('server', 'show', server)

    def wait_status(self, server, status):
        """Poll ``server show`` until ``status`` with no task state;
        returns the server. ERROR (or the timeout) fails the step."""
        deadline = time.monotonic() + STATUS_TIMEOUT
        while True:
            body = self.show(server)
            task = body.get('OS-EXT-STS:task_state')
            if body['status'] == status and not task:
                return body
            if body['status'] == 'ERROR':
                raise StepFailed('%s is ERROR: %s' % (server,
                                                      body.get('fault')))
            if time.monotonic() > deadline:
                raise StepFailed('%s still %s/%s after %d s (want %s)' % (
                    server, body['status'], task, STATUS_TIMEOUT, status))
            time.sleep(2)

    # -- the guest's console -----------------------------------------------

    def console_boots(self, server):
        """The ``(disk id, boot count)`` of each DISK_ID line."""
        text = self.cli('console', 'log', 'show', server, parse=False)
        return [(m.group(1), int(m.group(2)))
                for m in DISK_ID.finditer(text)]

    def wait_new_boot(self, server, before):
        """Wait until the console shows a boot that ``before`` (its
        DISK_ID lines before the action) did not: lines appended to
        them, or a console log that started anew; the last line's
        ``(id, count)``."""
        deadline = time.monotonic() + BOOT_TIMEOUT
        while True:
            boots = self.console_boots(server)
            appended = (boots[:len(before)] == before
                        and len(boots) > len(before))
            restarted = boots and boots[:len(before)] != before
            if appended or restarted:
                return boots[-1]
            if time.monotonic() > deadline:
                raise StepFailed('no new boot line on %s in %d s (%s)' % (
                    server, BOOT_TIMEOUT, boots))
            time.sleep(2)

    def expect_boot(self, server, disk_id=None, more_than=None):
        """The guest's next boot line: its disk id must be ``disk_id``
        (when given) and its count above ``more_than`` (when given)."""
        if self.args.no_guest:
            return None
        got = self.wait_new_boot(server, self.console_boots_before)
        if disk_id is not None and got[0] != disk_id:
            raise StepFailed('booted disk %s, want %s' % (got[0], disk_id))
        if more_than is not None and got[1] <= more_than:
            raise StepFailed('boot count %d, want more than %d' % (
                got[1], more_than))
        return got

    def mark(self, server):
        """Remember the console's lines before an action."""
        self.console_boots_before = ([] if self.args.no_guest
                                     else self.console_boots(server))

    def expect_no_boot(self, server):
        if self.args.no_guest:
            return
        time.sleep(3)
        boots = self.console_boots(server)
        if boots != self.console_boots_before:
            raise StepFailed('the guest booted: %s' % boots[-1:])

    # -- steps ---------------------------------------------------------------

    def create(self, name, image):
        body = self.cli('server', 'create', '--image', image, '--flavor',
                        self.args.flavor, '--key-name', self.args.key_name,
                        '--wait', name)
        self.made('server', body['id'], False, '--force', '--wait')
        if body['status'] != 'ACTIVE':
            raise StepFailed('%s is %s' % (name, body['status']))
        return body['id']

    def step_boot(self):
        self.console_boots_before = []
        self.server = self.create('lifecycle-1', self.args.image)
        self.disk = self.expect_boot(self.server)
        if self.disk and self.disk[1] != 1:
            raise StepFailed('first boot says %s' % (self.disk,))
        return 'server %s, disk %s' % (self.server, self.disk)

    def step_snapshot(self):
        image = self.cli('server', 'image', 'create', '--name',
                         'lifecycle-snap', '--wait', self.server)
        self.made('image', image['id'])
        image = self.cli('image', 'show', image['id'])
        props = image.get('properties') or {}
        if image['status'] != 'active' or \
                props.get('image_type') != 'snapshot':
            raise StepFailed('snapshot %s: %s %s' % (
                image['id'], image['status'], props.get('image_type')))
        self.wait_status(self.server, 'ACTIVE')
        self.console_boots_before = []
        clone = self.create('lifecycle-clone', image['id'])
        got = self.expect_boot(clone, self.disk and self.disk[0],
                               self.disk and self.disk[1])
        self.cli('server', 'delete', '--force', '--wait', clone, parse=False)
        return 'image %s; clone booted %s' % (image['id'], got)

    def step_rebuild(self):
        self.mark(self.server)
        self.cli('server', 'rebuild', '--image', self.args.image, '--wait',
                 self.server, parse=False)
        self.wait_status(self.server, 'ACTIVE')
        got = self.expect_boot(self.server)
        if got and (got[0] == self.disk[0] or got[1] != 1):
            raise StepFailed('after rebuild %s (before %s)' % (got,
                                                                self.disk))
        self.disk = got or self.disk
        return 'new disk %s' % (got,)

    def _resize(self, flavor, finish):
        self.mark(self.server)
        self.cli('server', 'resize', '--flavor', flavor, '--wait',
                 self.server, parse=False)
        self.wait_status(self.server, 'VERIFY_RESIZE')
        self.cli('server', 'resize', finish, self.server, parse=False)
        body = self.wait_status(self.server, 'ACTIVE')
        got = self.expect_boot(self.server, self.disk and self.disk[0],
                               self.disk and self.disk[1])
        self.disk = got or self.disk
        return body, got

    def step_resize_confirm(self):
        body, got = self._resize(self.args.bigger_flavor, 'confirm')
        return 'flavor %s, %s' % (flavor_name(body), got)

    def step_resize_revert(self):
        body, got = self._resize(self.args.flavor, 'revert')
        return 'flavor after revert %s, %s' % (flavor_name(body), got)

    def _toggle(self, action, status, undo):
        self.mark(self.server)
        self.cli('server', action, self.server, parse=False)
        self.wait_status(self.server, status)
        self.cli('server', undo, self.server, parse=False)
        self.wait_status(self.server, 'ACTIVE')
        self.expect_no_boot(self.server)
        return '%s then ACTIVE, no boot' % status

    def step_pause(self):
        return self._toggle('pause', 'PAUSED', 'unpause')

    def step_suspend(self):
        return self._toggle('suspend', 'SUSPENDED', 'resume')

    def _and_back(self, action, status, undo, *action_args):
        self.mark(self.server)
        self.cli('server', action, *action_args, self.server, parse=False)
        self.wait_status(self.server, status)
        middle = ''
        if action == 'rescue' and not self.args.no_guest:
            middle = self.rescue_second_disk()
            # The rescue guest's own boot lines are not the unrescue's.
            self.mark(self.server)
        # (A shelved offloaded server has no console: 409, as in Nova;
        # the lines from before the shelve stay the reference.)
        self.cli('server', undo, self.server, parse=False)
        self.wait_status(self.server, 'ACTIVE')
        got = self.expect_boot(self.server, self.disk and self.disk[0],
                               self.disk and self.disk[1])
        self.disk = got or self.disk
        return '%s%s then ACTIVE, %s' % (status, middle, got)

    def rescue_second_disk(self):
        """The rescue guest's console names the server's disk as vdb."""
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            text = self.cli('console', 'log', 'show', self.server,
                            parse=False)
            found = SECOND_DISK.findall(text)
            if found:
                if found[-1] != self.disk[0]:
                    raise StepFailed('rescue sees vdb %s' % found[-1])
                return ' (vdb %s)' % found[-1]
            time.sleep(2)
        raise StepFailed('the rescue guest never showed its second disk')

    def step_shelve(self):
        return self._and_back('shelve', 'SHELVED_OFFLOADED', 'unshelve')

    def step_rescue(self):
        return self._and_back('rescue', 'RESCUE', 'unrescue')

    def step_soft_delete(self):
        self.mark(self.server)
        self.cli('server', 'delete', self.server, parse=False)
        body = self.show(self.server)
        deadline = time.monotonic() + STATUS_TIMEOUT
        while body['status'] != 'SOFT_DELETED' or \
                body.get('OS-EXT-STS:task_state'):
            if time.monotonic() > deadline or body['status'] == 'DELETED':
                raise StepFailed('after delete: %s (is soft delete on? '
                                 '[DEFAULT] reclaim_instance_interval)' %
                                 body['status'])
            time.sleep(2)
            body = self.show(self.server)
        self.cli('server', 'restore', self.server, parse=False)
        self.wait_status(self.server, 'ACTIVE')
        got = self.expect_boot(self.server, self.disk and self.disk[0],
                               self.disk and self.disk[1])
        self.disk = got or self.disk
        return 'SOFT_DELETED then ACTIVE, %s' % (got,)

    def step_console(self):
        url = self.cli('console', 'url', 'show', '--novnc', self.server)
        url = url['url']
        if not self.args.browser:
            return 'url %s (no --browser: page not loaded)' % url
        line = 'NOVA_LITE_DISK_ID %s BOOT %d' % self.disk
        return '%s: %s' % (url, screen_shows(url, line))

    # -- driver --------------------------------------------------------------

    def fatal(self, name):
        """A failed boot or rebuild ends the run (nothing after it can be
        checked); other failures do not."""
        return self.server is None or name in ('boot', 'rebuild')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--image', default='tiny')
    parser.add_argument('--flavor', default='84',
                        help='flavor to boot (84: m1.micro, 192 MiB)')
    parser.add_argument('--bigger-flavor', default='1',
                        help='flavor to resize to (1: m1.tiny, 512 MiB)')
    parser.add_argument('--key-name', default='demo-key')
    parser.add_argument('--steps', default=','.join(STEPS),
                        help='comma-separated, of: ' + ', '.join(STEPS))
    parser.add_argument('--no-guest', action='store_true',
                        help='no console checks (a fake-driver lab)')
    parser.add_argument('--browser', action='store_true',
                        help='load the console URL in headless Chromium '
                             'and read the screen with tesseract')
    args = parser.parse_args(argv)
    args.steps = [s for s in args.steps.split(',') if s]
    unknown = set(args.steps) - set(STEPS)
    if unknown:
        parser.error('unknown steps: %s' % ', '.join(sorted(unknown)))
    if args.steps and args.steps[0] != 'boot':
        args.steps.insert(0, 'boot')
    return args


def main(argv=None):
    args = parse_args(argv)
    return run_main(LifecycleCheck(args), args.steps)


if __name__ == '__main__':
    sys.exit(main())
