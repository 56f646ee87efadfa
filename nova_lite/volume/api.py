"""API-side logic of the Block Storage API subset (doc/volumes.md):
validation of the rules, the status machine's conditional writes, quota
and capacity claims, and the casts and calls to the volume service.

Handlers (``nova_lite.api.volume``) call these; these call
``nova_lite.db.volumes``/``volume_attachments`` and
``nova_lite.volume.rpcapi``. Sizes are GiB.
"""
import random
import uuid as uuidlib

from oslo_config import cfg
from oslo_utils import timeutils

from nova_lite.db import services as service_db
from nova_lite.db import storage_pools as pool_db
from nova_lite.db import volume_attachments as attachment_db
from nova_lite.db import volume_quotas
from nova_lite.db import volumes as volume_db
from nova_lite import exception
from nova_lite import rpc
from nova_lite import servicegroup
from nova_lite.volume import errors
from nova_lite.volume import pools
from nova_lite.volume import quotas
from nova_lite.volume import rpcapi
from nova_lite.volume import states

CONF = cfg.CONF
GiB = 1024 ** 3
# A stand-in client (tests); None: the transport's own (rpc.shared_client).
_RPC = None


def volume_rpcapi():
    """The process's volume RPC client: one per transport, so that after
    ``rpc.cleanup``/``rpc.init`` (a test on another RabbitMQ vhost) no
    client of the old transport casts where no volume service listens."""
    return _RPC or rpc.shared_client(rpcapi.VolumeAPI)


def _pick_host(context):
    """A volume service host that is up (random among them).

    :raises: NoValidBackend
    """
    hosts = [s['host'] for s in service_db.service_get_all(
        context, binary=servicegroup.VOLUME)
        if servicegroup.is_up(s) and not s.get('disabled')]
    if not hosts:
        raise errors.NoValidBackend(reason='No volume service is up.')
    return random.choice(sorted(hosts))


def _capacity_gb():
    return int(CONF.volume.capacity_gb *
               CONF.volume.max_over_subscription_ratio)


def _check_size(size, minimum=1):
    if isinstance(size, bool) or not isinstance(size, int) or \
            not minimum <= size <= CONF.volume.max_size_gb:
        raise errors.Invalid(reason='Invalid input received: size must be '
                             'an integer between %d and %d GiB'
                             % (minimum, CONF.volume.max_size_gb))


def _check_per_volume(context, project_id, size):
    """The project's ``per_volume_gigabytes`` quota (-1: none).

    :raises: Invalid (400, Cinder's VolumeSizeExceedsLimit)
    """
    limit = quotas.all_limits(context, project_id)['per_volume_gigabytes']
    if 0 <= limit < size:
        raise errors.Invalid(reason='Requested volume size %dG is larger '
                             'than maximum allowed limit %dG.' % (size,
                                                                  limit))


def create(context, size, name=None, description=None, image_ref=None,
           snapshot_id=None, volume_type=None, availability_zone=None,
           metadata=None, multiattach=False, cluster_uuid=None,
           pool_uuid=None):
    """Create a volume (empty, from image ``image_ref`` or from snapshot
    ``snapshot_id``): claim quota (volumes 1, gigabytes ``size``) and the
    capacity of a storage pool (``pools.candidates``: of cluster
    ``cluster_uuid``, the cluster of the VM it is made for, else of the
    zone) or, without stored pools, of an up host; insert it
    ``creating``, cast the volume service.

    :returns: the volume's dict
    :raises: Invalid (400), VolumeTypeNotFound/SnapshotNotFound (404),
        OverQuota (413), StorageCapacityExceeded (413: no pool of the
        level has room); a volume with no service up is created in
        ``error`` (as Cinder's scheduler leaves it)
    """
    snap = None
    if snapshot_id:
        snap = attachment_db.snapshot_get(context, snapshot_id)
        if snap['status'] != states.AVAILABLE:
            raise errors.InvalidSnapshot(reason='snapshot %s is %s, not '
                                         'available' % (snapshot_id,
                                                        snap['status']))
        size = size or snap['volume_size']
    _check_size(size, snap['volume_size'] if snap else 1)
    _check_per_volume(context, context.project_id, size)
    vtype = volume_db.volume_type_get(context, volume_type or
                                      volume_db.DEFAULT_TYPE)
    values = {
        'uuid': str(uuidlib.uuid4()), 'project_id': context.project_id,
        'user_id': context.user_id, 'display_name': name,
        'display_description': description, 'size': size,
        'status': states.CREATING, 'attach_status': states.DETACHED,
        'availability_zone': availability_zone or 'nova',
        'volume_type_id': vtype['uuid'], 'bootable': False,
        'multiattach': bool(multiattach), 'source_image_id': image_ref,
        'snapshot_id': snapshot_id, 'volume_metadata': metadata or {}}
    if snap:
        values.update(_from_snapshot_volume(context, snap))
    if pool_uuid:
        level, candidates = 'pool %s' % pool_uuid, [pools.usable_pool(
            context, pool_uuid)]
    else:
        level, candidates = pools.candidates(context, cluster_uuid,
                                             availability_zone)
    if candidates is not None:
        volume = _create_on_pool(context, values, level, candidates)
        volume_rpcapi().create_volume(context, volume['host'],
                                      volume['uuid'], image_id=image_ref,
                                      snapshot_id=snapshot_id)
        return volume
    try:
        host = _pick_host(context)
    except errors.NoValidBackend:
        host = None
        values['status'] = states.ERROR
    volume = volume_db.volume_create(
        context, values, {'volumes': 1, 'gigabytes': size},
        quotas.limits(context, context.project_id), host=host,
        capacity_gb=_capacity_gb())
    if host is not None:
        volume_rpcapi().create_volume(context, host, volume['uuid'],
                                      image_id=image_ref,
                                      snapshot_id=snapshot_id)
    return volume


def _create_on_pool(context, values, level, candidates):
    """Insert the volume on the first of ``candidates`` (pools, in
    order) with room for it.

    :raises: OverQuota (the project's); StorageCapacityExceeded
    """
    deltas = {'volumes': 1, 'gigabytes': values['size']}
    limits = quotas.limits(context, context.project_id)
    for pool in candidates:
        try:
            return volume_db.volume_create(context, values, deltas, limits,
                                           pool=pool)
        except volume_db.PoolFull:
            continue
    raise pools.no_room(level, candidates, values['size'])


def pool_name(context, pool_uuid):
    """The name of storage pool ``pool_uuid`` (the pool part of Cinder's
    ``host@backend#pool``), ``file`` for the host's default pool (None)
    or a pool that is gone; one SELECT when there is a pool."""
    if not pool_uuid:
        return 'file'
    try:
        return pool_db.pool_get(context, pool_uuid)['name']
    except errors.StoragePoolNotFound:
        return 'file'


def _from_snapshot_volume(context, snap):
    """What a volume made of snapshot ``snap`` keeps of the snapshot's
    volume, as Cinder copies it: its image (``source_image_id``, shown
    as ``volume_image_metadata``) and ``bootable``; {} when that volume
    is gone."""
    try:
        source = volume_db.volume_get(context.elevated(),
                                      snap['volume_uuid'])
    except errors.VolumeNotFound:
        return {}
    return {'source_image_id': source['source_image_id'],
            'bootable': bool(source['bootable'])}


def get(context, volume_id):
    """:raises: VolumeNotFound"""
    return volume_db.volume_get(context, volume_id)


def update(context, volume_id, values):
    """Set ``display_name``/``display_description``/``volume_metadata``.

    :raises: VolumeNotFound
    """
    get(context, volume_id)
    return volume_db.volume_update(context, volume_id, values)


def delete(context, volume_id, cascade=False):
    """Start deleting a volume: ``deleting`` from available, error or
    error_deleting, cast to its service (a volume without a service is
    deleted at once).

    :raises: VolumeNotFound; InvalidVolume (400) when it is attached,
        in a transition, or has snapshots (without ``cascade``)
    """
    volume = get(context, volume_id)
    snapshots = attachment_db.snapshot_get_all(
        context, volume_uuid=volume_id, all_projects=True)
    if snapshots and not cascade:
        raise errors.InvalidVolume(reason='Volume %s has %d dependent '
                                   'snapshots' % (volume_id, len(snapshots)))
    volume_db.volume_update(context, volume_id,
                            {'status': states.DELETING}, states.DELETABLE)
    for snap in snapshots:
        attachment_db.snapshot_destroy(context, snap['uuid'])
    if volume['host'] and volume['provider_location']:
        volume_rpcapi().delete_volume(context, volume['host'], volume_id)
    else:
        volume_db.volume_destroy(context, volume_id)


def force_delete(context, volume_id):
    """Admin: delete whatever the status (os-force_delete), unless
    attachments remain (close them first).

    :raises: VolumeNotFound; InvalidVolume (400) while attached
    """
    volume = get(context, volume_id)
    if attachment_db.attachment_get_all(context, volume_uuid=volume_id,
                                        all_projects=True):
        raise errors.InvalidVolume(reason='Volume %s has attachments'
                                   % volume_id)
    for snap in attachment_db.snapshot_get_all(
            context, volume_uuid=volume_id, all_projects=True):
        attachment_db.snapshot_destroy(context, snap['uuid'])
    volume_db.volume_update(context, volume_id, {'status': states.DELETING})
    if volume['host']:
        volume_rpcapi().delete_volume(context, volume['host'], volume_id)
    else:
        volume_db.volume_destroy(context, volume_id)


def extend(context, volume_id, new_size):
    """Grow an available volume to ``new_size`` GiB (claimed now, on
    its storage pool too).

    :raises: Invalid (new size not larger), InvalidVolume, OverQuota,
        StorageCapacityExceeded (its pool has no room)
    """
    volume = get(context, volume_id)
    _check_size(new_size)
    if new_size <= volume['size']:
        raise errors.Invalid(reason='New size for extend must be greater '
                             'than current size. (current: %d, extended: '
                             '%d).' % (volume['size'], new_size))
    _check_per_volume(context, volume['project_id'], new_size)
    try:
        volume_db.volume_extend(context, volume_id, new_size,
                                quotas.limits(context, volume['project_id']))
    except volume_db.PoolFull as exc:
        raise errors.StorageCapacityExceeded(
            reason=exc.format_message()) from None
    volume_rpcapi().extend_volume(context, volume['host'], volume_id,
                                  new_size)


def check_image_fits(volume, image):
    """:raises: Invalid (400) unless the image's data (bytes) and
    ``min_disk`` (GiB) fit the volume's ``size`` (GiB)"""
    if (image.get('size') or 0) > volume['size'] * GiB or \
            (image.get('min_disk') or 0) > volume['size']:
        raise errors.Invalid(reason='image %s does not fit the %d GiB '
                             'volume %s' % (image['uuid'], volume['size'],
                                            volume['uuid']))


def reimage(context, volume_id, image_id, reimage_reserved=False):
    """Block Storage API 3.68 ``os-reimage``: write image ``image_id``
    (one the caller may see, ``active``, whose data and ``min_disk`` fit
    the volume) over an ``available`` or ``error`` volume
    (``downloading`` meanwhile, then ``available``; ``error`` when the
    driver fails), or a ``reserved`` one with ``reimage_reserved``
    (stays ``reserved``). Cast to the volume's service.

    :raises: InvalidVolume (400: status), Invalid (400: the image is
        unknown, not active or too large)
    """
    from nova_lite.image import api as image_api
    volume = get(context, volume_id)
    try:
        image = image_api.API().get_visible_record(context, image_id)
    except exception.ImageNotFound as exc:
        raise errors.Invalid(reason=exc.format_message()) from None
    if image['status'] != 'active':
        raise errors.Invalid(reason='image %s is %s, not active'
                             % (image_id, image['status']))
    check_image_fits(volume, image)
    if not (reimage_reserved and volume['status'] == states.RESERVED):
        volume_db.volume_update(context, volume_id,
                                {'status': states.DOWNLOADING},
                                (states.AVAILABLE, states.ERROR))
    volume_rpcapi().reimage_volume_cast(context, volume['host'], volume_id,
                                        image_id)


def set_bootable(context, volume_id, bootable):
    get(context, volume_id)
    return volume_db.volume_update(context, volume_id,
                                   {'bootable': bool(bootable)})


def reset_status(context, volume_id, status=None, attach_status=None):
    """Admin: set ``status`` (one of ``states.ALL``) and/or
    ``attach_status`` (attached, detached) without any check.

    :raises: Invalid for unknown values
    """
    values = {}
    if status is not None:
        if status not in states.ALL:
            raise errors.Invalid(reason='Must specify a valid status')
        values['status'] = status
    if attach_status is not None:
        if attach_status not in (states.ATTACHED, states.DETACHED):
            raise errors.Invalid(reason='Must specify a valid attach '
                                 'status')
        values['attach_status'] = attach_status
    if not values:
        raise errors.Invalid(reason='Must specify \'status\' or '
                             '\'attach_status\'')
    get(context, volume_id)
    return volume_db.volume_update(context, volume_id, values)


def usage_summary(context, project_id):
    """``{resource: in_use}`` of the project's volume quota."""
    usage = volume_quotas.usage(context, project_id)
    return {r: usage.get(r, 0) for r in quotas.RESOURCES}


def now():
    return timeutils.utcnow()


DEFAULT_TYPE = volume_db.DEFAULT_TYPE


def get_all(context, filters=None, limit=None, marker=None,
            sort=(('created_at', 'desc'),), all_projects=False):
    """Volumes (``nova_lite.db.volumes.volume_get_all``)."""
    return volume_db.volume_get_all(context, filters, limit, marker, sort,
                                    all_projects=all_projects)


def attachments_of(context, volume_id):
    """Live attachments of one volume (any project's caller may see the
    volume's own)."""
    return attachment_db.attachment_get_all(context, volume_uuid=volume_id,
                                            all_projects=True)


def type_names(context):
    """``{type uuid: name}`` of the live volume types."""
    return {t['uuid']: t['name']
            for t in volume_db.volume_type_get_all(context)}


def type_get(context, type_id):
    return volume_db.volume_type_get(context, type_id)


def type_get_all(context):
    return volume_db.volume_type_get_all(context)


def type_create(context, name, description=None, is_public=True,
                extra_specs=None):
    """Admin: a new volume type; 409 when the name is taken."""
    return volume_db.volume_type_create(context, {
        'uuid': str(uuidlib.uuid4()), 'name': name,
        'description': description, 'is_public': bool(is_public),
        'extra_specs': extra_specs or {}})


def type_delete(context, type_id):
    """Admin: delete an unused type (never ``__DEFAULT__``).

    :raises: VolumeTypeNotFound; Invalid (400) when in use or default
    """
    vtype = volume_db.volume_type_get(context, type_id)
    if vtype['name'] == DEFAULT_TYPE:
        raise errors.Invalid(reason='The default volume type cannot be '
                             'deleted.')
    volume_db.volume_type_destroy(context, vtype['uuid'])
