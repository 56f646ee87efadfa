"""Statuses of volumes, attachments and snapshots (Block Storage API
reference, "Volumes", "Volume status"), and the transitions an action
may start from.

Volume: ``creating → available → reserved → attaching → in-use →
detaching → available``; ``extending`` (available → available),
``downloading`` (an ``os-reimage``: available/error → available),
``deleting`` (→ the row is deleted), ``error`` (a failed create,
extend or delete; the sweeper's verdict on a stuck transition),
``error_deleting``.
"""
CREATING = 'creating'
AVAILABLE = 'available'
RESERVED = 'reserved'
ATTACHING = 'attaching'
IN_USE = 'in-use'
DETACHING = 'detaching'
DELETING = 'deleting'
EXTENDING = 'extending'
DOWNLOADING = 'downloading'
ERROR = 'error'
ERROR_DELETING = 'error_deleting'
#: Set by an admin (os-reset_status) to keep users off a volume.
MAINTENANCE = 'maintenance'

ALL = (CREATING, AVAILABLE, RESERVED, ATTACHING, IN_USE, DETACHING,
       DELETING, EXTENDING, DOWNLOADING, ERROR, ERROR_DELETING,
       MAINTENANCE)

#: Statuses an owner drives to an end; the sweeper's business.
TRANSITIONAL = (CREATING, ATTACHING, DETACHING, DELETING, EXTENDING,
                DOWNLOADING)

#: Statuses from which a volume may be deleted (Cinder: not attached,
#: not migrating; ``cascade`` aside).
DELETABLE = (AVAILABLE, ERROR, ERROR_DELETING)

#: Statuses os-reset_status accepts (Cinder's volume admin action).
RESETTABLE = ALL

#: Attach statuses (``volumes.attach_status``, attachments).
DETACHED = 'detached'
ATTACHED = 'attached'

#: Snapshot statuses.
SNAPSHOT_STATUSES = (CREATING, AVAILABLE, DELETING, ERROR,
                     ERROR_DELETING)
