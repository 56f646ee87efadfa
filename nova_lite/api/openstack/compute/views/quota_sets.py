"""Quota set bodies (compute API reference, "Quota sets
(os-quota-sets)"): the 14 resources, plus ``id`` (the project) except in
the update response; from microversion 2.36 without the network
resources (``NETWORK_RESOURCES``: nova-network's quotas), from 2.57
without the injected file resources (``INJECTED_FILE_RESOURCES``:
personality files left the API)."""
from nova_lite.api import microversion
from nova_lite import quota

#: Resources the compute API no longer shows nor sets from 2.36.
NETWORK_RESOURCES = ('fixed_ips', 'floating_ips', 'security_group_rules',
                     'security_groups')

#: Resources the compute API no longer shows nor sets from 2.57.
INJECTED_FILE_RESOURCES = ('injected_file_content_bytes',
                           'injected_file_path_bytes', 'injected_files')


def resources():
    """The quota resources of the request's microversion."""
    gone = ()
    if microversion.at_least('2.57'):
        gone = NETWORK_RESOURCES + INJECTED_FILE_RESOURCES
    elif microversion.at_least('2.36'):
        gone = NETWORK_RESOURCES
    return tuple(r for r in quota.RESOURCES if r not in gone)


#: Resources quota class sets show only from 2.50.
SERVER_GROUP_RESOURCES = ('server_group_members', 'server_groups')


def class_resources():
    """The resources of a quota class set at the request's microversion
    (compute API reference, "Quota class sets"): before 2.50 without the
    server group resources and with the network ones; from 2.50 the
    reverse; from 2.57 without the injected file resources either."""
    if microversion.at_least('2.57'):
        gone = NETWORK_RESOURCES + INJECTED_FILE_RESOURCES
    elif microversion.at_least('2.50'):
        gone = NETWORK_RESOURCES
    else:
        gone = SERVER_GROUP_RESOURCES
    return tuple(r for r in quota.RESOURCES if r not in gone)


def quota_set(limits, project_id=None, names=None):
    """``{resource: limit}`` in resource order (of ``names``, by default
    the quota set resources of the request's microversion), with ``id``
    when ``project_id`` (or a quota class name) is given."""
    body = {name: limits[name] for name in (names or resources())}
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
