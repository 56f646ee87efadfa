"""Payloads of the versioned notifications (Nova's notification format).

Each payload is a versioned object of nova_lite's registry (pinned by
the object fingerprint test) serialized, as Nova's are, under
``nova_object.*`` keys: ``nova_object.name`` (e.g.
``InstanceActionPayload``), ``nova_object.version``,
``nova_object.namespace`` (``nova_lite``) and ``nova_object.data``.
Field names and shapes follow Nova's payloads of the same name; fields
nova_lite has no data for are there with Nova's empty values, so a
consumer written for Nova reads them. doc/notification_samples holds a
sample of every event, generated from these classes.
"""
