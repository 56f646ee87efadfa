"""Versioned objects that cross the bus (oslo.versionedobjects).

They are carriers: the database is written only by the ``nova_lite.db``
modules.
"""


def register_all():
    """Import every object module so the registry knows them."""
    __import__('nova_lite.objects.instance')
    __import__('nova_lite.objects.request_spec')
    __import__('nova_lite.objects.selection')
    __import__('nova_lite.notifications.objects.instance')
    __import__('nova_lite.notifications.objects.others')
