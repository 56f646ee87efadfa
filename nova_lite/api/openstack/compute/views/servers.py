"""Server bodies of the compute API by microversion.

Formats follow the compute API reference, "Servers" (List Servers, List
Servers Detailed, Show Server Details, Create Server response).  Datetimes
``created``/``updated``/``fault.created`` are ``YYYY-MM-DDThh:mm:ssZ``;
``OS-SRV-USG:launched_at``/``terminated_at`` are ISO 8601 without a zone,
as in the reference's examples.

Microversions (``microversion.at_least``): 2.3 adds the admin-only
``OS-EXT-SRV-ATTR`` reservation_id, launch_index, hostname, kernel_id,
ramdisk_id, root_device_name and user_data; 2.9 ``locked``; 2.16
``host_status`` (by policy, admins by default); 2.19 ``description``
(null when unset) in show, detail and the Update Server response; 2.26
``tags`` in show and detail; 2.47 the embedded flavor (``flavor``);
2.63 ``trusted_image_certificates`` (always null);
2.73 ``locked_reason``; 2.90 ``OS-EXT-SRV-ATTR:hostname`` for every
caller; 2.96 ``pinned_availability_zone``; 2.98 the image's
``properties``; 2.100 ``scheduler_hints``.
"""
import functools
import hashlib

from oslo_serialization import jsonutils

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.compute import image_properties
from nova_lite.compute import states
from nova_lite.compute import zone_pinning

#: Statuses whose body carries ``progress`` (the reference shows it only
#: while a server builds or runs).
_PROGRESS = {'BUILD': 0, 'ACTIVE': 100}

DEFAULT_SECURITY_GROUPS = [{'name': 'default'}]


def basic(instance, base=None):
    """``{"id", "name", "links"}`` (List Servers).

    :param base: the request's ``openstack.base_url()``, computed once
        per request by callers rendering many servers
    """
    return {'id': instance.uuid, 'name': instance.display_name,
            'links': openstack.resource_links('servers', instance.uuid,
                                              base)}


def create_response(instance, admin_password=None, security_groups=None):
    """Body of the 202 of Create Server.  ``adminPass`` only when given
    (``[api] enable_instance_password``); ``security_groups`` the names
    requested (``default`` when None), as Nova echoes them."""
    groups = [{'name': name} for name in security_groups] \
        if security_groups else list(DEFAULT_SECURITY_GROUPS)
    server = {'id': instance.uuid,
              'links': openstack.resource_links('servers', instance.uuid),
              'OS-DCF:diskConfig': 'MANUAL',
              'security_groups': groups}
    if admin_password is not None:
        server['adminPass'] = admin_password
    return server


def host_id(instance):
    """``hostId``: sha224 of project id + host, '' before scheduling, so
    users can tell servers apart by host without learning host names."""
    if not instance.host:
        return ''
    return _host_id(instance.project_id, instance.host)


def hashed_host(project_id, host):
    """The ``hostId`` of ``host`` for ``project_id`` ('' without a host),
    as servers (and from 2.62 instance action events) show it."""
    return _host_id(project_id, host) if host else ''


@functools.lru_cache(maxsize=4096)
def _host_id(project_id, host):
    """The hex digest of ``host_id`` (a page of servers repeats the same
    few hosts)."""
    return hashlib.sha224(('%s%s' % (project_id, host)).encode()).hexdigest()


def addresses(instance, network_labels, extended=True, floating=None):
    """``{label: [{"version", "addr"}]}`` of the instance's fixed IPs,
    each followed by the floating IPs associated with it (as Nova lists
    them, compute API reference "Servers"); with ``extended`` also
    ``OS-EXT-IPS:type`` ('fixed' or 'floating') and
    ``OS-EXT-IPS-MAC:mac_addr`` (the port's MAC, for both).

    :param network_labels: dict network id → label
    :param floating: ``{fixed address: [floating address]}`` of the
        instance, or None
    """
    result = {}
    fixed_ips = instance.fixed_ips
    if len(fixed_ips) > 1:
        fixed_ips = sorted(fixed_ips, key=lambda f: f.id)
    for fip in fixed_ips:
        label = network_labels.get(fip.network_id, str(fip.network_id))
        entry = {'version': _ip_version(fip.address), 'addr': fip.address}
        if extended:
            entry.update({'OS-EXT-IPS:type': 'fixed',
                          'OS-EXT-IPS-MAC:mac_addr': fip.mac})
        listed = result.setdefault(label, [])
        listed.append(entry)
        for address in (floating or {}).get(fip.address, ()):
            entry = {'version': _ip_version(address), 'addr': address}
            if extended:
                entry.update({'OS-EXT-IPS:type': 'floating',
                              'OS-EXT-IPS-MAC:mac_addr': fip.mac})
            listed.append(entry)
    return result


def _fault(fault, show_details):
    body = {'code': fault.code, 'created': openstack.isotime(
        fault.created_at), 'message': fault.message or ''}
    if fault.details and (show_details or fault.code != 500):
        body['details'] = fault.details
    return body


def _ip_version(address):
    """4 or 6 of a valid address string (only IPv6 has colons)."""
    return 6 if ':' in address else 4


def _iso(value):
    return value.isoformat() if value else None


def _image(instance, base):
    """``image``: '' without one, else its id and bookmark link and,
    from 2.98, the standard image properties the server was created
    with (``compute.image_properties.shown``)."""
    if not instance.image_ref:
        return ''
    image = {'id': instance.image_ref,
             'links': openstack.bookmark_link('images', instance.image_ref,
                                              base)}
    if microversion.at_least('2.98'):
        image['properties'] = image_properties.shown(
            _json(instance, 'image_properties') or {})
    return image


def _json(instance, column):
    """The decoded JSON ``column`` of ``instance``, None when unset."""
    text = getattr(instance, column, None)
    return jsonutils.loads(text) if text else None


def flavor(instance, base=None, show_extra_specs=False):
    """The server's ``flavor``: its id and bookmark link before 2.47;
    from 2.47 the flavor copied at create time (``original_name``,
    ``vcpus``, ``ram`` MiB, ``disk`` and ``ephemeral`` GiB, ``swap``
    MiB) and, when ``show_extra_specs`` (the caller may list extra
    specs: ``os_compute_api:os-flavor-extra-specs:index``), its
    ``extra_specs``.  Servers created before the copy kept swap and
    extra specs show 0 and {}."""
    if not microversion.at_least('2.47'):
        return {'id': instance.flavor_id,
                'links': openstack.bookmark_link('flavors',
                                                 instance.flavor_id, base)}
    body = {'original_name': instance.flavor_name,
            'vcpus': instance.vcpus, 'ram': instance.memory_mb,
            'disk': instance.root_gb,
            'ephemeral': instance.ephemeral_gb or 0,
            'swap': getattr(instance, 'flavor_swap', None) or 0}
    if show_extra_specs:
        specs = getattr(instance, 'flavor_extra_specs', None)
        body['extra_specs'] = jsonutils.loads(specs) if specs else {}
    return body


def show(instance, network_labels, is_admin=False, extended=False,
         base=None, show_extra_specs=False, tags=None, floating_ips=None):
    """The server body without API extensions (Update Server and, before
    2.75, Rebuild Server responses): id, name, status, tenant_id,
    user_id, metadata, hostId, image, flavor (``flavor``), created,
    updated, addresses, accessIPv4/6, links, OS-DCF:diskConfig,
    ``progress`` while BUILD/ACTIVE, ``fault`` when ERROR (its
    ``details`` of 500s only for admins) and ``tags`` (2.26) when
    ``tags`` (``{uuid: [tag, ...]}``) is given; ``floating_ips``
    (``{uuid: {fixed address: [floating address]}}``) go into
    ``addresses``."""
    base = base or openstack.base_url()
    status = states.status_from_state(instance.vm_state,
                                      instance.task_state)
    server = basic(instance, base)
    server.update({
        'status': status, 'tenant_id': instance.project_id,
        'user_id': instance.user_id,
        'metadata': {m.key: m.value for m in instance.metadata_items},
        'hostId': host_id(instance), 'image': _image(instance, base),
        'flavor': flavor(instance, base, show_extra_specs),
        'created': openstack.isotime(instance.created_at),
        'updated': openstack.isotime(instance.updated_at
                                     or instance.created_at),
        'addresses': addresses(instance, network_labels, extended,
                               (floating_ips or {}).get(instance.uuid)),
        'accessIPv4': instance.access_ip_v4 or '',
        'accessIPv6': instance.access_ip_v6 or '',
        'OS-DCF:diskConfig': 'MANUAL',
    })
    if status in _PROGRESS:
        server['progress'] = _PROGRESS[status]
    if microversion.at_least('2.9'):
        server['locked'] = bool(instance.locked)
    if microversion.at_least('2.73'):
        server['locked_reason'] = getattr(instance, 'locked_reason', None) \
            if instance.locked else None
    if microversion.at_least('2.19'):
        server['description'] = instance.display_description
    if microversion.at_least('2.63'):
        # nova_lite verifies no image signatures: no server has trusted
        # certificates (2.63's row in api/versions_history.py).
        server['trusted_image_certificates'] = None
    fault = getattr(instance, 'fault', None)
    if fault is not None and instance.vm_state == states.ERROR:
        server['fault'] = _fault(fault, is_admin)
    if tags is not None:
        server['tags'] = tags.get(instance.uuid, [])
    return server


#: ``host_status`` values (compute API reference, "Show Server Details",
#: microversion 2.16).
HOST_UP, HOST_DOWN, HOST_MAINTENANCE, HOST_UNKNOWN, HOST_NONE = (
    'UP', 'DOWN', 'MAINTENANCE', 'UNKNOWN', '')


def host_status(instance, compute_services):
    """``host_status`` of a server from its host's compute service: ''
    without a host (or a service), DOWN when the service is forced down,
    MAINTENANCE when disabled, UP when it heartbeats
    (``nova_lite.servicegroup``), UNKNOWN when it does not.

    :param compute_services: ``{host: compute service}``
        (``host_api.compute_services_of``)
    """
    service = compute_services.get(instance.host) if instance.host else None
    if service is None:
        return HOST_NONE
    if service.get('forced_down'):
        return HOST_DOWN
    if service.get('disabled'):
        return HOST_MAINTENANCE
    return HOST_UP if service['up'] else HOST_UNKNOWN


def detail(instance, network_labels, is_admin=False, host_zones=None,
           base=None, compute_services=None, tags=None,
           show_extra_specs=False, security_groups=None,
           floating_ips=None, volumes=None):
    """The full server body (Show Server Details, List Servers Detailed):
    ``show`` plus the extension attributes.  ``security_groups`` appears
    once the server has a network interface: the names of its groups
    (``security_groups``: ``{uuid: [name, ...]}``; ``default`` for a
    server without any); ``OS-EXT-SRV-ATTR:*`` only
    for admins (``hostname`` for everyone from 2.90); ``host_status``
    (2.16) when ``compute_services`` is given (the caller may see it and
    asked for 2.16 or later); ``tags`` (2.26) when ``tags`` (``{uuid:
    [tag, ...]}``) is given.  ``OS-EXT-AZ:availability_zone`` is the
    zone of the server's host (``host_zones``: ``{host: zone}`` of the
    zone aggregates' hosts; the default zone for the others), or its
    pinned zone ('' without one) while it has no host.
    ``os-extended-volumes:volumes_attached`` lists ``{"id"}`` (and
    ``delete_on_termination`` from 2.3) of the server's attachments
    (``volumes``: ``{uuid: [attachment dict]}``)."""
    server = show(instance, network_labels, is_admin, extended=True,
                  base=base, show_extra_specs=show_extra_specs, tags=tags,
                  floating_ips=floating_ips)
    server.update({
        'OS-EXT-AZ:availability_zone': zone_pinning.current_zone(
            None, instance, host_zones or {}) or '',
        'config_drive': 'True' if getattr(instance, 'config_drive',
                                          False) else '',
        'key_name': instance.key_name,
        'OS-SRV-USG:launched_at': _iso(instance.launched_at),
        'OS-SRV-USG:terminated_at': _iso(instance.terminated_at),
        'OS-EXT-STS:task_state': instance.task_state,
        'OS-EXT-STS:vm_state': instance.vm_state,
        'OS-EXT-STS:power_state': instance.power_state,
        'os-extended-volumes:volumes_attached': volumes_attached(
            (volumes or {}).get(instance.uuid, [])),
    })
    if instance.fixed_ips:
        names = (security_groups or {}).get(instance.uuid)
        server['security_groups'] = [{'name': n} for n in names] \
            if names else list(DEFAULT_SECURITY_GROUPS)
    if is_admin:
        server.update({
            'OS-EXT-SRV-ATTR:host': instance.host,
            'OS-EXT-SRV-ATTR:hypervisor_hostname': instance.node,
            'OS-EXT-SRV-ATTR:instance_name': instance.instance_name or '',
        })
        if microversion.at_least('2.3'):
            server.update(_extended_attributes(instance))
    if compute_services is not None:
        server['host_status'] = host_status(instance, compute_services)
    server.update(_later_fields(instance))
    return server


def volumes_attached(attachments):
    """``[{"id", "delete_on_termination" (2.3)}]`` of attachment dicts
    (compute API reference, Show Server Details)."""
    found = []
    for att in attachments:
        item = {'id': att['volume_uuid']}
        if microversion.at_least('2.3'):
            item['delete_on_termination'] = bool(
                att.get('delete_on_termination'))
        found.append(item)
    return found


def _later_fields(instance):
    """Fields of the detail from 2.90 on: ``OS-EXT-SRV-ATTR:hostname``
    (2.90, every caller), ``pinned_availability_zone`` (2.96: the zone
    the create request asked for, or 2.104's pin; null when unpinned)
    and ``scheduler_hints`` (2.100: the create request's hints as
    ``{name: [str]}``; null for servers created before nova_lite kept
    them)."""
    fields = {}
    if microversion.at_least('2.90'):
        fields['OS-EXT-SRV-ATTR:hostname'] = instance.hostname
    if microversion.at_least('2.96'):
        fields['pinned_availability_zone'] = zone_pinning.pinned_zone(
            instance)
    if microversion.at_least('2.100'):
        fields['scheduler_hints'] = _json(instance, 'scheduler_hints')
    return fields


def _extended_attributes(instance):
    """The ``OS-EXT-SRV-ATTR`` fields of microversion 2.3: nova_lite
    boots whole-disk images (no kernel/ramdisk: '') and records no root
    device name (null).  Lists do not read ``user_data`` (it may be
    64 KiB a server): a listed server shows null, Show Server the
    value."""
    prefix = 'OS-EXT-SRV-ATTR:'
    return {prefix + 'reservation_id': instance.reservation_id,
            prefix + 'launch_index': instance.launch_index,
            prefix + 'hostname': instance.hostname,
            prefix + 'kernel_id': '', prefix + 'ramdisk_id': '',
            prefix + 'root_device_name': None,
            prefix + 'user_data': getattr(instance, 'user_data', None)}
