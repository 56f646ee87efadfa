"""Resize of the compute API: ``resize``, ``confirmResize`` and
``revertResize`` (compute API reference, "Resize Server (resize
Action)", "Confirm Resized Server (confirmResize Action)", "Revert
Resized Server (revertResize Action)").

``ResizeActions`` is mixed into ``nova_lite.compute.api.API`` (it uses
``self.get``, ``self.conductor`` and ``self.compute``). A resize is
recorded here (a ``migrations`` row of type 'resize', status
'pre-migrating', with both flavors; task_state resize_prep; action
'resize') and cast to the conductor, which schedules and claims the
destination (``nova_lite.conductor.resize``); the computes do the rest
(``nova_lite.compute.lifecycle.resize``). doc/lifecycle-resize.md has the
states, claims and quota rules.
"""
from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova_lite.compute import flavors
from nova_lite.compute import states
from nova_lite.compute import update_events
from nova_lite.db import actions as action_db
from nova_lite.db import flavors as flavor_db
from nova_lite.db import instances as instance_db
from nova_lite.db import migrations_records as migration_db
from nova_lite.db import resize as resize_db
from nova_lite import exception
from nova_lite import quota

LOG = logging.getLogger(__name__)

#: vm_states a resize starts from (Nova's resize: ACTIVE or STOPPED).
RESIZABLE = (states.ACTIVE, states.STOPPED)


def instance_flavor(instance):
    """The flavor an instance row has now, as the ``old_flavor`` of a
    migration: dict flavorid, name, vcpus, memory_mb, root_gb,
    ephemeral_gb, swap, extra_specs (JSON text)."""
    return {'flavorid': instance.flavor_id, 'name': instance.flavor_name,
            'vcpus': instance.vcpus, 'memory_mb': instance.memory_mb,
            'root_gb': instance.root_gb,
            'ephemeral_gb': instance.ephemeral_gb or 0,
            'swap': instance.flavor_swap or 0,
            'extra_specs': instance.flavor_extra_specs or '{}'}


def _bad(reason):
    return exception.Invalid(reason=reason)


def check_new_flavor(old, new):
    """Refuse a resize from flavor dict ``old`` to ``new`` (both as
    ``instance_flavor`` returns them).

    Rules of the compute API reference's resize error cases and Nova's
    resize checks: the flavor must change; the root disk of a server
    with one cannot go to 0 nor shrink; the ephemeral disk cannot
    shrink (nova_lite grows disks, never shrinks them).

    :raises: Invalid (400)
    """
    if new['flavorid'] == old['flavorid']:
        raise _bad('When resizing, instances must change flavor!')
    if old['root_gb'] and not new['root_gb']:
        raise _bad('Resize to zero disk flavor is not allowed.')
    if new['root_gb'] < old['root_gb']:
        raise _bad('Resize error: Unable to resize disk down (root disk '
                   '%d GiB to %d GiB).' % (old['root_gb'], new['root_gb']))
    if new['ephemeral_gb'] < old['ephemeral_gb']:
        raise _bad('Resize error: Unable to resize disk down (ephemeral '
                   'disk %d GiB to %d GiB).' % (old['ephemeral_gb'],
                                                new['ephemeral_gb']))


def check_quota_for_upsize(context, instance, old, new):
    """Refuse the cores and ram the move from flavor ``old`` to ``new``
    adds to the project (and user) of ``instance`` beyond their quota;
    nothing is checked for a smaller flavor (Nova's resize and revert
    count the positive vcpus and memory_mb deltas only).

    :raises: QuotaExceeded (403)
    """
    for resource, field in (('cores', 'vcpus'), ('ram', 'memory_mb')):
        delta = new[field] - old[field]
        if delta > 0:
            quota.check(context, resource, delta,
                        project_id=instance.project_id,
                        user_id=instance.user_id)


def new_flavor(context, flavor_id):
    """The flavor dict a resize goes to, as ``instance_flavor``'s.

    :raises: Invalid (400: unknown, invisible to the caller or disabled)
    """
    try:
        flavor = flavors.get(context, flavor_id)
    except exception.FlavorNotFound:
        raise _bad('Unable to find flavor %s.' % flavor_id) from None
    if flavor['disabled']:
        raise _bad('Flavor %s is disabled.' % flavor_id)
    flavor = flavors.with_extra_specs(context, flavor)
    result = {key: flavor[key] for key in (
        'flavorid', 'name', 'vcpus', 'memory_mb', 'root_gb', 'id')}
    result.update(ephemeral_gb=flavor['ephemeral_gb'] or 0,
                  swap=flavor['swap'] or 0,
                  extra_specs=jsonutils.dumps(flavor['extra_specs']))
    return result


def flavor_db_id(context, flavorid):
    """``flavors.id`` of ``flavorid`` (os-migrations' old/new instance
    type ids), or None when the flavor is gone."""
    try:
        return flavor_db.flavor_get_by_flavorid(context.elevated(),
                                                flavorid)['id']
    except exception.FlavorNotFound:
        return None


class ResizeActions:
    """resize, confirm_resize, revert_resize (mixed into the compute
    API)."""

    def resize(self, context, instance_uuid, flavor_id):
        """Resize a server to flavor ``flavor_id`` (see the module doc).

        :returns: the migration dict
        :raises: InstanceNotFound (404), InstanceIsLocked,
            InstanceInvalidState (409: not ACTIVE/STOPPED on a host, or a
            task in progress), Invalid (400: see ``new_flavor`` and
            ``check_new_flavor``), QuotaExceeded (403)
        """
        instance = self.get(context, instance_uuid)
        self._check_resizable(context, instance, 'resize', RESIZABLE)
        old = instance_flavor(instance)
        new = new_flavor(context, flavor_id)
        check_new_flavor(old, new)
        check_quota_for_upsize(context, instance, old, new)
        self._set_task(context, instance, 'resize', states.RESIZE_PREP,
                       RESIZABLE, None)
        migration = migration_db.migration_create(context, {
            'instance_uuid': instance_uuid, 'migration_type': 'resize',
            'status': 'pre-migrating', 'source_compute': instance.host,
            'source_node': instance.node,
            'old_instance_type_id': flavor_db_id(context, old['flavorid']),
            'new_instance_type_id': new.pop('id'),
            'old_flavor': jsonutils.dumps(old),
            'new_flavor': jsonutils.dumps(new),
            'user_id': context.user_id, 'project_id': context.project_id})
        action_db.action_start(context, instance_uuid, 'resize')
        update_events.server_changed(context, instance,
                                     task_state=states.RESIZE_PREP)
        self.conductor.resize_instance(context, instance_uuid,
                                       migration['uuid'])
        LOG.info('Resize of %s from flavor %s to %s accepted (migration '
                 '%s)', instance_uuid, old['flavorid'], new['flavorid'],
                 migration['uuid'])
        return migration

    def confirm_resize(self, context, instance_uuid):
        """Confirm a RESIZED server: cast to its source compute, which
        removes the old guest; the conductor then releases the source
        claim and sets ACTIVE (or STOPPED).

        :raises: InstanceNotFound, InstanceIsLocked, InstanceInvalidState
            (409: not RESIZED), Invalid (400: no finished resize)
        """
        instance, migration = self._finished_resize(
            context, instance_uuid, 'confirmResize', 'confirming')
        action_db.action_start(context, instance_uuid, 'confirmResize')
        self.compute.confirm_resize(context, migration['source_compute'],
                                    instance_uuid, migration['uuid'])
        return migration

    def revert_resize(self, context, instance_uuid):
        """Revert a RESIZED server to its old flavor on its source host:
        cast to the destination compute, which removes the new guest and
        hands over to the source.

        :raises: as ``confirm_resize``; QuotaExceeded (403) when the old
            flavor is bigger and the project has no room for it any more
        """
        instance = self.get(context, instance_uuid)
        self._check_resizable(context, instance, 'revertResize',
                              (states.RESIZED,))
        migration = self._migration_finished(context, instance_uuid)
        new = jsonutils.loads(migration['new_flavor'])
        check_quota_for_upsize(context, instance, new,
                               jsonutils.loads(migration['old_flavor']))
        self._set_task(context, instance, 'revertResize',
                       states.RESIZE_REVERTING, (states.RESIZED,), None)
        if not resize_db.migration_update(context, migration['uuid'],
                                          {'status': 'reverting'},
                                          expected_status='finished'):
            instance_db.instance_update(context, instance_uuid,
                                        {'task_state': None})
            raise self._invalid(instance, 'revertResize')
        action_db.action_start(context, instance_uuid, 'revertResize')
        update_events.server_changed(context, instance,
                                     task_state=states.RESIZE_REVERTING)
        self.compute.revert_resize(context, instance.host, instance_uuid,
                                   migration['uuid'])
        return migration

    # ------------------------------------------------------------ helpers

    @staticmethod
    def _invalid(instance, action, attr='vm_state', state=None):
        return exception.InstanceInvalidState(
            action=action, instance_uuid=instance.uuid, attr=attr,
            state=state or getattr(instance, attr))

    def _check_resizable(self, context, instance, action, vm_states):
        """:raises: InstanceIsLocked, InstanceInvalidState (409)"""
        self._check_locked(context, instance)
        if instance.vm_state not in vm_states or instance.host is None:
            raise self._invalid(instance, action)
        if instance.task_state is not None:
            raise self._invalid(instance, action, 'task_state')

    def _set_task(self, context, instance, action, task_state, vm_states,
                  expected_task):
        """Conditional write of ``task_state``.

        :raises: InstanceInvalidState (409) when another request won
        """
        try:
            instance_db.instance_update(
                context, instance.uuid, {'task_state': task_state},
                expected_task_state=expected_task,
                expected_vm_state=tuple(vm_states),
                expected_host=instance.host)
        except exception.UnexpectedTaskStateError as exc:
            raise self._invalid(instance, action, 'task_state') from exc

    @staticmethod
    def _migration_finished(context, instance_uuid):
        """The finished resize of a RESIZED server.

        :raises: Invalid (400) when there is none (Nova's "Instance has
            not been resized.")
        """
        migration = resize_db.open_resize(context, instance_uuid)
        if migration is None or migration['status'] != 'finished':
            raise _bad('Instance has not been resized.')
        return migration

    def _finished_resize(self, context, instance_uuid, action, status):
        """(instance, migration) of a RESIZED server whose finished
        migration was moved to ``status`` by this request."""
        instance = self.get(context, instance_uuid)
        self._check_resizable(context, instance, action, (states.RESIZED,))
        migration = self._migration_finished(context, instance_uuid)
        if not resize_db.migration_update(context, migration['uuid'],
                                          {'status': status},
                                          expected_status='finished'):
            raise self._invalid(instance, action, 'task_state',
                                'resize_' + status)
        return instance, migration
