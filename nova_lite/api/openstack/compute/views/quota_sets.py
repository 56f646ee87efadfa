"""Quota set bodies (compute API reference, "Quota sets
(os-quota-sets)", microversion 2.1): the 14 resources, plus ``id`` (the
project) except in the update response."""
from nova_lite import quota


def quota_set(limits, project_id=None):
    """``{resource: limit}`` in resource order, with ``id`` when
    ``project_id`` is given."""
    body = {name: limits[name] for name in quota.RESOURCES}
    if project_id is not None:
        body = dict({'id': project_id}, **body)
    return body


def detail(limits, usages, project_id):
    """Each resource as ``{"in_use", "limit", "reserved"}`` (nothing is
    ever reserved: usage is counted from live records)."""
    body = {'id': project_id}
    for name in quota.RESOURCES:
        body[name] = {'in_use': usages[name], 'limit': limits[name],
                      'reserved': 0}
    return body
