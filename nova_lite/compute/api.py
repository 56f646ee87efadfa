"""API-side compute logic: validate, record, and hand work to services.

The WSGI handlers (``nova_lite.api``) and the CloudStack commands call this
class; it writes instance records through ``nova_lite.db.instances`` and
casts to the conductor (builds) or to the instance's compute (everything else).
This module creates, reads and renames servers; ``api_actions`` holds the
actions on existing servers (delete, reboot, stop, start, ...).
"""
import copy
import re
import uuid as uuidlib

from oslo_config import cfg
from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova_lite.compute import admission
from nova_lite.compute import api_actions
from nova_lite.compute import api_boot_volumes
from nova_lite.compute import api_fixed_ips
from nova_lite.compute import api_interfaces
from nova_lite.compute import api_rebuild
from nova_lite.compute import api_rescue
from nova_lite.compute import api_snapshot
from nova_lite.compute import api_snapshot_volume
from nova_lite.compute import api_resize
from nova_lite.compute import api_shelve
from nova_lite.compute import api_lifecycle_power
from nova_lite.compute import api_live_migrate
from nova_lite.compute import api_migrate
from nova_lite.compute import api_volumes
from nova_lite.compute import block_device
from nova_lite.compute import flavors
from nova_lite.compute import keypairs
from nova_lite.compute import naming
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import server_groups
from nova_lite.compute import states
from nova_lite.compute import tags as instance_tags
from nova_lite.compute import topology
from nova_lite.compute import update_events
from nova_lite.compute import vm_snapshots
from nova_lite.compute import zone_pinning
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite.db import instances as instance_db
from nova_lite.db import session as db_session
from nova_lite import exception
from nova_lite.image import api as image_api
from nova_lite.network import security_groups as sg_api
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import request_spec as spec_obj
from nova_lite import quota
from nova_lite.scheduler import request as sched_request

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

#: ``update``'s default for a field the request does not change.
UNSET = object()
_HOSTNAME_BAD = re.compile(r'[^a-z0-9.-]+')


def sanitize_hostname(name, default='server'):
    """A DNS label from a display name (RFC 952/1123: a-z, 0-9, '-'),
    at most 63 characters."""
    host = _HOSTNAME_BAD.sub('-', (name or '').lower().replace('_', '-'))
    host = host.replace('.', '-').strip('-')[:63].strip('-')
    return host or default


def _instance_name_before_insert(uuid):
    """The instance name of a new instance ``uuid``, or None when
    ``[DEFAULT] instance_name_template`` needs the id (``API._name_by_id``
    sets it after the insert)."""
    template = CONF.instance_name_template
    if naming.needs_id(template):
        return None
    return naming.instance_name(template, uuid)


def normalized_hints(scheduler_hints):
    """Scheduler hints as the request spec holds them: ``{name: [str]}``
    (a single value becomes a one-item list); {} for None."""
    return {k: [str(x) for x in (v if isinstance(v, list) else [v])]
            for k, v in (scheduler_hints or {}).items()}


def placement_hints(scheduler_hints, flavor, placement=None, volume_gb=0):
    """The user's hints without the reserved ``cloudstack:`` ones, plus
    the flavor's deployment planner (extra spec
    ``cloudstack:deployment_planner``), ``placement`` ({'pod': uuid,
    'cluster': uuid}, an admin's CloudStack deploy) and ``volume_gb``
    (GiB of the volumes the build creates on its cluster's storage
    pool), as ``scheduler.request`` reads them (``PLANNER_HINT``,
    ``POD_HINT``, ``CLUSTER_HINT``, ``VOLUME_GB_HINT``)."""
    hints = {k: v for k, v in (scheduler_hints or {}).items()
             if not k.startswith(sched_request.RESERVED_HINT_PREFIX)}
    planner = (flavor.get('extra_specs') or {}).get(
        sched_request.PLANNER_HINT)
    if planner:
        hints[sched_request.PLANNER_HINT] = planner
    for key, hint in (('pod', sched_request.POD_HINT),
                      ('cluster', sched_request.CLUSTER_HINT)):
        if (placement or {}).get(key):
            hints[hint] = placement[key]
    if volume_gb:
        hints[sched_request.VOLUME_GB_HINT] = str(volume_gb)
    return hints


def _string_properties(image):
    """The image's properties as strings (None stays None), as a server
    keeps them (compute API microversion 2.98)."""
    return {k: (None if v is None else str(v))
            for k, v in (image.get('properties') or {}).items()}


def new_reservation_id():
    """'r-' followed by 8 random base-36 characters, as Nova's."""
    return 'r-%s' % uuidlib.uuid4().hex[:8]


class API(api_resize.ResizeActions, api_lifecycle_power.LifecyclePowerActions,
          api_actions.ServerActions, api_rebuild.RebuildActions,
          api_snapshot.SnapshotActions, api_rescue.RescueActions,
          api_shelve.ShelveActions, vm_snapshots.VMSnapshotActions,
          api_migrate.MigrateActions, api_interfaces.InterfaceActions,
          api_live_migrate.LiveMigrateActions,
          api_volumes.VolumeAttachActions, api_fixed_ips.FixedIpActions):
    """Server operations for the compute and CloudStack APIs."""

    def __init__(self):
        self.conductor = conductor_rpcapi.ConductorAPI()
        self.compute = compute_rpcapi.ComputeAPI()
        self.images = image_api.API()

    # --------------------------------------------------------------- create

    def create(self, context, name, image_ref, flavor_id, min_count=1,
               max_count=1, metadata=None, availability_zone=None,
               user_data=None, key_name=None, key_data=None,
               scheduler_hints=None, instance_group=None, access_ips=None,
               hostname=None, description=None, config_drive=False,
               admin_pass=None, network_request=None, tags=None,
               requested_host=None, requested_node=None,
               security_groups=None, requested_networks=None,
               placement=None, block_device_mapping=None):
        """Create as many instance records as the quotas allow between
        ``min_count`` and ``max_count``, and cast their build.

        ``block_device_mapping`` lists the volume mappings of the request
        (``compute.block_device.parse``): the server boots from the one
        with boot index 0 (``image_ref`` may then be None or '', and the
        instance's image is that; compute API "Create Server", doc/
        volumes.md "Boot from volume"); they are checked here
        (``api_boot_volumes``: 400) and existing volumes reserved.

        ``hostname`` is the guest's host name (a CloudStack VM name,
        checked by the caller; ``<hostname>-<n>`` for several servers);
        by default it is made from the display name
        (``sanitize_hostname``). It is stored, and sent in the build,
        before the build is cast.

        ``access_ips`` (dict ``access_ip_v4``/``access_ip_v6``) are the
        user-declared access addresses shown as accessIPv4/6;
        ``description`` the server description (microversion 2.19);
        ``network_request`` None for the flat network or
        ``network_api.NO_NETWORK`` for servers without any network
        (microversion 2.37: no fixed IP, no NIC); ``requested_networks``
        the NICs (``nova_lite.network.api.resolve_requests``: None for
        one on the flat network); ``tags`` the server
        tags of every server (microversion 2.52); ``placement`` the pod
        and cluster an admin's CloudStack deploy asks for ({'pod': uuid,
        'cluster': uuid}; ``placement_hints``); ``requested_host``
        and ``requested_node`` restrict the scheduling to that compute
        host and/or node (microversion 2.74, checked by the caller).
        ``security_groups`` are names (or ids) of the project's security
        groups the servers are in (the ``default`` group when None).

        ``key_name`` names a key pair of the user, whose public key
        becomes ``key_data`` unless that is given.

        ``config_drive`` (or ``[DEFAULT] force_config_drive``) gives the
        guests a config drive; ``admin_pass`` is the password the guests
        get at their first boot (config drive, or once from the metadata
        service); both are stored with the instances.

        :returns: (list of ``models.Instance`` rows, reservation_id)
        :raises: Invalid (unknown or unusable flavor/image/key pair,
            counts; an unknown security group: 400), 409 for a security
            group name several groups have, QuotaExceeded (403: fewer
            than ``min_count`` fit, or too many metadata items)
        """
        if min_count > max_count:
            raise exception.Invalid(reason='min_count must be <= max_count')
        tags = sorted(set(tags or ()))
        if len(tags) > instance_tags.MAX_TAGS:
            raise instance_tags.TooManyTags(max=instance_tags.MAX_TAGS)
        # Every check reads in one transaction (one connection, one
        # commit): the writes below start another.
        mappings = block_device_mapping or []
        if mappings:
            mappings, availability_zone = api_boot_volumes.check_for_create(
                context, self.images, mappings, max_count,
                availability_zone)
        with db_session.reader(context):
            flavor, image, instance_group = self._resources_for_create(
                context, flavor_id, image_ref, availability_zone,
                instance_group, scheduler_hints, mappings)
            limits, usage, user_limits = quota.limits_and_usage(
                context, with_building=admission.enabled())
            quota.check(context, 'metadata_items', len(metadata or {}),
                        used=0, limits=user_limits)
            if key_name and key_data is None:
                key_data = keypairs.public_key_for_server(context, key_name)
            count = self._allowed_count(context, flavor, min_count,
                                        max_count, limits, usage,
                                        user_limits)
        if not mappings and api_snapshot_volume.image_mappings(image):
            # The snapshot image of a volume-backed server: new volumes
            # of its snapshots.
            mappings, availability_zone = api_boot_volumes.check_for_create(
                context, self.images, api_snapshot_volume.image_mappings(
                    image), max_count, availability_zone)
        bfv = block_device.is_volume_backed(mappings)
        scheduler_hints = placement_hints(
            scheduler_hints, flavor, placement,
            volume_gb=block_device.new_volume_gb(mappings))
        groups = sg_api.resolve_for_server(context, security_groups)
        reservation_id = new_reservation_id()
        values = [self._instance_values(context, name, image, flavor, index,
                                        count, reservation_id,
                                        availability_zone, user_data,
                                        key_name, key_data, hostname)
                  for index in range(count)]
        for value in values:
            if bfv:
                value['image_ref'] = image_ref or ''
            value['block_device_mapping'] = mappings or None
            value.update(access_ips or {}, display_description=description,
                         config_drive=bool(config_drive
                                           or CONF.force_config_drive),
                         admin_pass=admin_pass,
                         network_request=network_request,
                         requested_networks=requested_networks,
                         image_properties=jsonutils.dumps(
                             _string_properties(image)),
                         scheduler_hints=jsonutils.dumps(
                             normalized_hints(scheduler_hints)))
        rows = instance_db.instances_create(
            context, values, metadata or {},
            group_id=(instance_group or {}).get('id'), tags=tags,
            security_group_ids=[g['id'] for g in groups])
        rows = self._name_by_id(context, rows, values)
        self._recheck_quota(context, flavor, rows, limits, user_limits)
        self._reserve_volumes(context, rows, mappings)
        spec = self._request_spec(context, flavor, image, count,
                                  availability_zone, scheduler_hints,
                                  instance_group)
        spec.requested_host = requested_host
        spec.requested_node = requested_node
        spec.is_bfv = bfv
        instances = [instance_obj.Instance.from_dict(dict(
            v, metadata=dict(metadata or {}), created_at=r.created_at))
            for v, r in zip(values, rows, strict=True)]
        server_groups.members_added(context, instance_group,
                                    [inst.uuid for inst in instances])
        self.conductor.build_instances(context, instances, spec)
        LOG.info('Accepted %d instance(s) in reservation %s', len(rows),
                 reservation_id)
        return rows, reservation_id

    def _resources_for_create(self, context, flavor_id, image_ref,
                              availability_zone, instance_group,
                              scheduler_hints, mappings=()):
        """(flavor dict, image dict, server group dict or None) of a
        create, checked: usable flavor and image, known zone and group.
        The image of a server booted from a volume is the one its root
        volume was made of (``_boot_image``).

        :raises: Invalid (400)
        """
        flavor = self._flavor_for_create(context, flavor_id)
        if block_device.is_volume_backed(mappings):
            image = self._boot_image(context, image_ref, flavor, mappings)
        else:
            image = self._image_for_create(context, image_ref, flavor)
        topology.check_availability_zone(context, availability_zone)
        if instance_group is None:
            instance_group = server_groups.group_for_create(
                context, scheduler_hints)
        return flavor, image, instance_group

    @staticmethod
    def _allowed_count(context, flavor, min_count, max_count, limits,
                       usage, user_limits):
        """How many servers admission control (``[api]
        max_pending_builds``, ``usage['building']``) and the instances,
        cores and ram quotas of the project (``limits``, ``usage``) and
        of the user in it (``user_limits``) let this request create.

        :raises: ServiceUnavailable (503), Invalid (400), QuotaExceeded
            (403)
        """
        max_count = admission.admit(context, min_count, max_count,
                                    pending=usage.get('building'))
        return quota.instances_allowed(context, flavor, min_count,
                                       max_count, limits, usage,
                                       user_limits)

    @staticmethod
    def _recheck_quota(context, flavor, rows, limits, user_limits):
        """Delete the new ``rows`` and re-raise when concurrent creates
        took the room meanwhile (``nova_lite.quota``; usage is counted
        again, the ``limits`` and ``user_limits`` read before the write
        are kept)."""
        try:
            quota.recheck_instances(context, flavor, len(rows), limits,
                                    user_limits)
        except exception.QuotaExceeded:
            for row in rows:
                instance_db.instance_destroy(context, row.uuid,
                                             expected_host=None)
            raise

    @staticmethod
    def _flavor_for_create(context, flavor_id):
        """The flavor of a create (``compute.flavors.get``: a private
        flavor is the admins' only), not disabled.

        :raises: Invalid (400)
        """
        try:
            flavor = flavors.get_with_extra_specs(context, flavor_id)
        except exception.FlavorNotFound as exc:
            raise exception.Invalid(reason='Flavor %s could not be found.'
                                    % flavor_id) from exc
        if flavor['disabled']:
            raise exception.Invalid(reason='Flavor %s is disabled.'
                                    % flavor_id)
        return flavor

    def _boot_image(self, context, image_ref, flavor, mappings):
        """The image dict of a server booted from a volume: the image
        its root volume is made of when the caller may see it, else
        ``image_ref``'s, else an empty stand-in (``uuid`` '', no
        properties). Its memory needs are checked, not its disk (the
        root is the volume; Nova skips the flavor's disk too).

        :raises: Invalid (400)
        """
        image_id = block_device.root_mapping(mappings).get('image_id')
        for candidate in (image_id, image_ref):
            if not candidate:
                continue
            try:
                image = self._image_for_create(context, candidate, flavor,
                                               check_disk=False)
            except exception.Invalid:
                if candidate == image_ref:
                    raise
                continue
            return image
        return {'uuid': '', 'properties': {}, 'min_ram': 0, 'min_disk': 0,
                'status': 'active', 'name': None, 'disk_format': None,
                'container_format': None, 'size': None}

    def _reserve_volumes(self, context, rows, mappings):
        """Reserve the existing volumes of the request for its (single)
        server; on failure the new rows are deleted again.

        :raises: Invalid (400)
        """
        if not any(m['source_type'] == 'volume' for m in mappings):
            return
        try:
            api_boot_volumes.reserve_existing(context, rows[0].uuid,
                                              mappings)
        except exception.Invalid:
            for row in rows:
                instance_db.instance_destroy(context, row.uuid,
                                             expected_host=None)
            raise

    def _image_for_create(self, context, image_ref, flavor,
                          check_disk=True):
        image_id = str(image_ref).rstrip('/').rsplit('/', 1)[-1]
        try:
            image = self.images.get_visible_record(context, image_id)
        except exception.ImageNotFound as exc:
            raise exception.Invalid(reason='Can not find requested image %s'
                                    % image_ref) from exc
        if image['status'] != 'active':
            raise exception.Invalid(reason='Image %s is not active.'
                                    % image_id)
        self._check_boot_files(context, image)
        if (image['min_ram'] or 0) > flavor['memory_mb']:
            raise exception.Invalid(reason='Flavor\'s memory is too small '
                                    'for requested image.')
        if (check_disk and (image['min_disk'] or 0) > flavor['root_gb']
                and flavor['root_gb']):
            raise exception.Invalid(reason='Flavor\'s disk is too small for '
                                    'requested image.')
        return image

    def _check_boot_files(self, context, image):
        """The kernel and ramdisk an image names (``kernel_id``,
        ``ramdisk_id`` properties) must be images the project may see too:
        the compute fetches them for the guest.

        :raises: Invalid (400)
        """
        props = image.get('properties') or {}
        for prop, what in (('kernel_id', 'Kernel'), ('ramdisk_id',
                                                     'Ramdisk')):
            if not props.get(prop):
                continue
            try:
                self.images.get_visible_record(context, props[prop])
            except exception.ImageNotFound:
                raise exception.Invalid(
                    reason='%s %s of image %s could not be found.' % (
                        what, props[prop], image['uuid'])) from None

    @staticmethod
    def _instance_values(context, name, image, flavor, index, count,
                         reservation_id, availability_zone, user_data,
                         key_name, key_data, hostname=None):
        display_name = name if count == 1 else '%s-%d' % (name, index + 1)
        if hostname and count > 1:
            hostname = '%s-%d' % (hostname, index + 1)
        uuid = str(uuidlib.uuid4())
        return {
            'uuid': uuid, 'display_name': display_name,
            'hostname': hostname or sanitize_hostname(display_name),
            'project_id': context.project_id, 'user_id': context.user_id,
            'image_ref': image['uuid'], 'flavor_id': flavor['flavorid'],
            'flavor_name': flavor['name'], 'vcpus': flavor['vcpus'],
            'memory_mb': flavor['memory_mb'], 'root_gb': flavor['root_gb'],
            'ephemeral_gb': flavor['ephemeral_gb'],
            'flavor_swap': flavor['swap'],
            'flavor_extra_specs': jsonutils.dumps(flavor['extra_specs']),
            'vm_state': states.BUILDING, 'task_state': states.SCHEDULING,
            'power_state': states.NOSTATE, 'reservation_id': reservation_id,
            'launch_index': index, 'availability_zone': availability_zone,
            'user_data': user_data, 'key_name': key_name,
            'key_data': key_data,
            'instance_name': _instance_name_before_insert(uuid),
        }

    @staticmethod
    def _name_by_id(context, rows, values):
        """Name the just-inserted ``rows`` (and their ``values``, which
        become the objects cast to the conductor) when ``[DEFAULT]
        instance_name_template`` needs the database id: one UPDATE each.

        :returns: the rows (Records), renamed where needed
        :raises: InstanceNotFound if a row was deleted meanwhile
        """
        template = CONF.instance_name_template
        if not naming.needs_id(template):
            return rows
        named = []
        for row, value in zip(rows, values, strict=True):
            name = naming.instance_name(template, row.uuid, row.id)
            instance_db.instance_update(context, row.uuid,
                                        {'instance_name': name})
            value['instance_name'] = name
            named.append(db_session.Record(vars(row), instance_name=name))
        return named

    @staticmethod
    def _request_spec(context, flavor, image, count, availability_zone,
                      scheduler_hints, instance_group):
        group = instance_group or {}
        return spec_obj.RequestSpec(
            project_id=context.project_id, user_id=context.user_id,
            flavor=instance_obj.Flavor.from_dict(flavor),
            image=image_api.to_image_meta(image), num_instances=count,
            availability_zone=availability_zone,
            instance_group_uuid=group.get('uuid'),
            instance_group_policy=group.get('policy'),
            scheduler_hints=normalized_hints(scheduler_hints),
            ignore_hosts=[])

    # ----------------------------------------------------------------- read

    def get(self, context, instance_uuid):
        """:raises: InstanceNotFound (also for other projects' servers)"""
        return instance_db.instance_get(context, instance_uuid)

    def get_all(self, context, filters=None, marker=None, limit=None,
                all_tenants=False, details=True):
        """Servers of the context's project (all with ``all_tenants``),
        newest first; without ``details`` no metadata, addresses nor
        faults (``instance_db.instance_get_all``).

        With ``changes_since`` deleted servers are listed too (compute API
        reference: "changes-since" returns deleted servers as DELETED).
        """
        context, filters = self._list_scope(context, filters, all_tenants)
        return instance_db.instance_get_all(context, filters, marker, limit,
                                            project_only=not all_tenants,
                                            details=details)

    def get_page(self, context, filters=None, offset=0, limit=None,
                 all_tenants=False):
        """``(servers, total)``: the page of ``limit`` servers (all when
        None) after the first ``offset`` of the ``get_all`` order, with
        details, and how many servers match ``filters`` in all. Paged in
        SQL: two statements at most besides the details (the page; a
        count only when the page does not tell the total).
        """
        context, filters = self._list_scope(context, filters, all_tenants)
        rows = instance_db.instance_get_all(
            context, filters, limit=limit, offset=offset,
            project_only=not all_tenants)
        if limit is None or (len(rows) < limit and (rows or not offset)):
            return rows, (offset or 0) + len(rows)
        return rows, instance_db.instance_count(
            context, filters, project_only=not all_tenants)

    @staticmethod
    def _list_scope(context, filters, all_tenants):
        """(context, filters) of a list: the caller's project unless an
        admin asks for ``all_tenants``; deleted servers are read too
        with ``changes_since``."""
        filters = dict(filters or {})
        if not all_tenants or not context.is_admin:
            filters['project_id'] = context.project_id
        if filters.get('changes_since') is not None and \
                context.read_deleted == 'no':
            context = copy.copy(context)
            context.read_deleted = 'yes'
        return context, filters

    # --------------------------------------------------------------- update

    def update(self, context, instance_uuid, name=None, access_ips=None,
               description=UNSET, hostname=None, pinned_zone=UNSET,
               user_data=UNSET):
        """Rename a server and/or set its access IPs (dict
        ``access_ip_v4``/``access_ip_v6``) and/or its description (None
        clears it), its ``hostname`` (microversion 2.90; a rename
        otherwise renames the host too), the zone it is pinned to
        (``pinned_zone``, None unpins: microversion 2.104,
        ``zone_pinning.pin_values``) and its ``user_data`` (base64 text,
        None clears it: what the metadata service serves from then on,
        CloudStack's updateVirtualMachine; a config drive keeps the old
        copy until rebuilt); returns the updated row.

        :raises: Conflict (409) for a zone that cannot be pinned
        """
        before = self.get(context, instance_uuid)
        values = dict(access_ips or {})
        if description is not UNSET:
            values['display_description'] = description
        if name is not None:
            values.update(display_name=name,
                          hostname=sanitize_hostname(name))
        if hostname is not None:
            values['hostname'] = hostname
        if pinned_zone is not UNSET:
            values.update(zone_pinning.pin_values(context, before,
                                                  pinned_zone))
        if user_data is not UNSET:
            values['user_data'] = user_data
        if not values:
            return before
        instance_db.instance_update(context, instance_uuid, values)
        after = self.get(context, instance_uuid)
        update_events.server_changed(context, before, after)
        return after
