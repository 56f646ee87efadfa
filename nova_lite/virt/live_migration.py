"""The live migration contract of a ComputeDriver (mixed into
``virt.driver.ComputeDriver``; doc/migrations-servers.md), and the job
handle the compute passes to the source driver.

Order (each method on the host named):

1. destination ``check_can_live_migrate_destination`` → migrate_data;
2. source ``check_can_live_migrate_source`` (from the destination's
   check) → migrate_data with ``is_shared_instance_path``; then the
   destination's ``cleanup_live_migration_destination_check`` and
   ``check_live_migration_compatibility`` (the source's CPU);
3. destination ``pre_live_migration``: NICs plugged, disks made;
4. source ``live_migration``: the guest moves (blocking, progress into
   the job; raises on failure or abort);
5. source ``post_live_migration`` (its leftovers removed), then
   destination ``post_live_migration_at_destination``;
   or, on failure, destination ``rollback_live_migration_at_destination``.

``migrate_data`` is a JSON-safe dict: ``block_migration`` (bool),
``is_shared_instance_path`` (bool), ``dest_host``, ``dest_address``
(where the source reaches the destination's hypervisor), plus what a
driver adds (keys it owns).
"""
import threading

from nova_lite import exception


class LiveMigrationJob:
    """What the compute and the source driver share while a guest moves:
    the abort and force-complete requests (``threading.Event``) and the
    progress callback ``report(values)`` (a dict of ``memory_total``,
    ``memory_processed``, ``memory_remaining``, ``disk_total``,
    ``disk_processed``, ``disk_remaining``, in bytes)."""

    def __init__(self, migration_id, report=None):
        self.migration_id = migration_id
        self.abort_requested = threading.Event()
        self.force_requested = threading.Event()
        self._report = report
        #: The last progress reported (dict, bytes).
        self.last_progress = {}
        #: Set by the driver once it switched to post-copy or paused the
        #: guest for a forced completion.
        self.forced = False

    def progress(self, **values):
        """Report progress (bytes, see the class doc); never raises."""
        self.last_progress = dict(values)
        if self._report is not None:
            try:
                self._report(values)
            except Exception:  # noqa: BLE001 - progress is informative
                pass

    def check_abort(self, instance_uuid):
        """:raises: LiveMigrationAborted when an abort was asked"""
        if self.abort_requested.is_set():
            raise exception.LiveMigrationAborted(
                instance_uuid=instance_uuid, reason='abort requested')


def not_supported(what):
    return exception.MigrationPreCheckError(
        reason='the hypervisor driver cannot %s' % what)


class LiveMigrationDriver:
    """Defaults: a driver without live migration refuses it in the
    destination check (the conductor's 400 before 2.34)."""

    def check_can_live_migrate_destination(self, context, instance,
                                           block_migration, source_host):
        """Destination: can this host take the running guest of
        ``instance`` (CPU compatible with the source's, memory free)?
        ``block_migration``: True, False or 'auto' (True unless the
        instance path is shared, decided by the source check).

        :returns: migrate_data (see the module doc)
        :raises: MigrationPreCheckError
        """
        raise not_supported('live-migrate a guest')

    def cleanup_live_migration_destination_check(self, context,
                                                 migrate_data):
        """Destination: remove what the check left (a storage marker)."""

    def check_live_migration_compatibility(self, context, instance,
                                           migrate_data):
        """Destination, after the source check: can this host's CPU run
        the guest the source runs (what the source put in migrate_data)?

        :raises: MigrationPreCheckError
        """

    def check_can_live_migrate_source(self, context, instance,
                                      migrate_data):
        """Source: the guest can go (it runs or is paused); whether this
        host sees the destination's storage marker.

        :returns: migrate_data with ``is_shared_instance_path``
        :raises: MigrationPreCheckError
        """
        raise not_supported('live-migrate a guest')

    def pre_live_migration(self, context, instance, network_info,
                           image_meta, migrate_data, guest_data=None):
        """Destination: plug the guest's NICs, make its disks (a block
        migration: overlays on the cached image, filled by the copy) and
        its config drive from ``guest_data`` (when it has one).

        :returns: migrate_data (what the source needs added)
        :raises: any exception after removing what it made
        """
        raise NotImplementedError()

    def live_migration(self, context, instance, dest, migrate_data, job):
        """Source: move the running guest to ``dest`` (blocks until it
        runs there), reporting progress into ``job``
        (``LiveMigrationJob``) and honouring its abort and
        force-complete requests.

        :raises: LiveMigrationAborted (the guest still runs here); any
            other exception when the migration failed (idem)
        """
        raise NotImplementedError()

    def post_live_migration(self, context, instance, network_info,
                            migrate_data):
        """Source, after a successful move: remove the guest's leftovers
        here (domain definition, NICs, local disks unless shared).
        Idempotent."""
        raise NotImplementedError()

    def post_live_migration_at_destination(self, context, instance,
                                           network_info, migrate_data):
        """Destination: the guest runs here; make it this host's (its
        persistent definition, ownership).

        :returns: the guest's power state (int)
        """
        raise NotImplementedError()

    def rollback_live_migration_at_destination(self, context, instance,
                                               network_info, migrate_data):
        """Destination, after a failure or abort: remove the incoming
        guest, its NICs and the disks ``pre_live_migration`` made
        (never shared ones). Idempotent."""
        raise NotImplementedError()
