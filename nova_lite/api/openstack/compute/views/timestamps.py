"""Timestamps as the compute API shows them on key pairs, services,
availability zones and instance actions: ISO 8601 with microseconds and
no zone suffix (``2026-11-22T03:00:00.000000``, naive UTC), as in the
compute API reference's samples of those resources."""


def legacy_isotime(value):
    """A naive UTC datetime in that form (None stays None)."""
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f') if value else None
