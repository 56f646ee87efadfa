"""Rescue and unrescue of the fake driver (``FakeDriver`` mixes this in;
doc/lifecycle-rescue.md).

A rescued fake guest carries ``rescue``: a dict with the rescue image's
id, the guest's disks in order (``['rescue', 'root']``: the rescue disk
first, its own root disk second, as the libvirt driver attaches them),
whether the rescue password arrived (never the password itself) and
the rescue config drive's file list (None without one). Its console
gets a ``NOVA_LITE_GUEST_UP <hostname> RESCUE <image id>`` line at the
rescue boot, and the usual ``NOVA_LITE_GUEST_UP <hostname>`` when the
original guest boots again. ``fail_rescue`` (set of 'rescue',
'unrescue') injects failures for tests.
"""
import time

from nova_lite.compute import states
from nova_lite import exception
from nova_lite.metadata import content
from nova_lite.virt import configdrive


class FakeRescueMixin:
    """Rescue over ``self._guests`` (see ``FakeDriver``)."""

    def _maybe_fail_rescue(self, step, instance):
        if step in getattr(self, 'fail_rescue', ()):
            raise exception.InstanceDeployFailure(
                instance_uuid=instance.uuid,
                reason='injected %s failure on %s' % (step, self.host))

    def rescue(self, context, instance, network_info, image_meta,
               rescue_password, guest_data=None):
        """The guest boots its rescue disk (see the module doc); an
        injected failure leaves the original guest powered off.

        :raises: InstanceNotFound, InstanceDeployFailure (injected)
        """
        guest = self._guest(instance)
        guest['state'] = states.SHUTDOWN
        guest.pop('saved', None)
        self._maybe_fail_rescue('rescue', instance)
        guest['rescue'] = {
            'image_id': image_meta.id, 'disks': ['rescue', 'root'],
            'password_set': bool(rescue_password),
            'config_drive': (sorted(content.config_drive_files(guest_data))
                             if configdrive.required(guest_data) else None)}
        guest['state'] = states.RUNNING
        guest['started'] = time.monotonic()
        guest['console'].append('NOVA_LITE_GUEST_UP %s RESCUE %s' % (
            instance.hostname, image_meta.id))

    def unrescue(self, context, instance, network_info, power_on=True):
        """The original guest back: it boots when ``power_on`` (a guest
        that was not rescued and runs already is left as is), else it
        is powered off.

        :raises: InstanceNotFound, InstanceDeployFailure (injected)
        """
        guest = self._guest(instance)
        self._maybe_fail_rescue('unrescue', instance)
        rescued = guest.pop('rescue', None) is not None
        if not power_on:
            guest['state'] = states.SHUTDOWN
            return
        if rescued or guest['state'] != states.RUNNING:
            guest['state'] = states.RUNNING
            guest['started'] = time.monotonic()
            guest['console'].append('NOVA_LITE_GUEST_UP %s'
                                    % instance.hostname)

    def rescue_info(self, instance_uuid):
        """The ``rescue`` dict of a rescued guest, None when it is not
        rescued.

        :raises: InstanceNotFound
        """
        with self._lock:
            guest = self._guests.get(instance_uuid)
        if guest is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        return guest.get('rescue')
