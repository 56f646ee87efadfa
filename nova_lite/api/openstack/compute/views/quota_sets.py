"""Quota set bodies (compute API reference, "Quota sets
(os-quota-sets)"): the 14 resources, plus ``id`` (the project) except in
the update response; from microversion 2.36 without the network
resources (``NETWORK_RESOURCES``: nova-network's quotas), from 2.57
without the file injection ones (``INJECTED_RESOURCES``)."""
from nova_lite.api import microversion
from nova_lite import quota

#: Resources the compute API no longer shows nor sets from 2.36.
NETWORK_RESOURCES = ('fixed_ips', 'floating_ips', 'security_group_rules',
                     'security_groups')
#: Resources of file injection (personality), gone from 2.57.
INJECTED_RESOURCES = ('injected_file_content_bytes',
                      'injected_file_path_bytes', 'injected_files')


def resources():
    """The quota resources of the request's microversion."""
    gone = ()
    if microversion.at_least('2.36'):
        gone += NETWORK_RESOURCES
    if microversion.at_least('2.57'):
        gone += INJECTED_RESOURCES
    return tuple(r for r in quota.RESOURCES if r not in gone)


def quota_set(limits, project_id=None):
    """``{resource: limit}`` in resource order, with ``id`` when
    ``project_id`` is given."""
    body = {name: limits[name] for name in resources()}
    if project_id is not None:
        body = dict({'id': project_id}, **body)
    return body


def detail(limits, usages, project_id):
    """Each resource as ``{"in_use", "limit", "reserved"}`` (nothing is
    ever reserved: usage is counted from live records)."""
    body = {'id': project_id}
    for name in resources():
        body[name] = {'in_use': usages[name], 'limit': limits[name],
                      'reserved': 0}
    return body
