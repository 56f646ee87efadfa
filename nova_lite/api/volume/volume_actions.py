"""``POST /volume/v3/{project_id}/volumes/{id}/action`` (Block Storage
API reference v3, "Volume actions"): one action per body.

- ``os-extend`` ``{"new_size": int}``: 202 (``extending``);
- ``os-set_bootable`` ``{"bootable": bool}``: 200;
- ``os-reset_status`` ``{"status", "attach_status"}``: 202 (admins);
- ``os-force_delete``: 202 whatever the status, unless attached
  (admins);
- ``os-reserve``, ``os-unreserve``, ``os-begin_detaching``,
  ``os-roll_detaching``: 202;
- ``os-initialize_connection`` ``{"connector": {"ip", "host", ...}}``:
  200 ``{"connection_info": {"driver_volume_type": "nbd", "data":
  {...}}}``;
- ``os-attach`` ``{"instance_uuid", "mountpoint", "host_name",
  "mode"}``: 202;
- ``os-terminate_connection`` ``{"connector": {...}}``: 202;
- ``os-detach`` ``{"attachment_id"}``: 202;
- ``os-reimage`` ``{"image_id", "reimage_reserved"}`` (3.68; 404
  below): 202, the image written over an available or error volume
  (``downloading``, then ``available``), or a reserved one with
  ``reimage_reserved``; 400 for another status or an image the caller
  cannot see, not active or larger than the volume.

An unknown or missing action is a 400.
"""
import flask

from nova_lite.api.volume import common
from nova_lite.volume import api as volume_api
from nova_lite.volume import attach
from nova_lite.volume import errors

bp = flask.Blueprint('volume_actions', __name__,
                     url_prefix='/volume/v3/<project_id>')
_PREFIX = 'volume_extension:volume_actions:'


def _extend(ctx, volume_id, args):
    common.authorize(ctx, 'volume:extend')
    volume_api.extend(ctx, volume_id, common.integer(
        args.get('new_size'), 'new_size'))
    return '', 202


def _set_bootable(ctx, volume_id, args):
    common.authorize(ctx, _PREFIX + 'set_bootable')
    if 'bootable' not in args:
        raise errors.Invalid(reason='Must specify bootable in request.')
    volume_api.set_bootable(ctx, volume_id, common.parse_bool(
        args['bootable'], 'bootable'))
    return '', 200


def _reset_status(ctx, volume_id, args):
    common.authorize(ctx, 'volume_extension:volume_admin_actions:'
                     'reset_status')
    common.check_keys(args, ('status', 'attach_status', 'migration_status'),
                      'os-reset_status')
    volume_api.reset_status(ctx, volume_id, args.get('status'),
                            args.get('attach_status'))
    return '', 202


def _reimage(ctx, volume_id, args):
    common.require_version((3, 68))
    common.authorize(ctx, 'volume:reimage')
    common.check_keys(args, ('image_id', 'reimage_reserved'), 'os-reimage')
    if not isinstance(args.get('image_id'), str) or not args['image_id']:
        raise errors.Invalid(reason='os-reimage needs an image_id')
    reserved = common.parse_bool(args.get('reimage_reserved', False),
                                 'reimage_reserved')
    if reserved:
        common.authorize(ctx, 'volume:reimage_reserved')
    volume_api.reimage(ctx, volume_id, args['image_id'], reserved)
    return '', 202


def _force_delete(ctx, volume_id, args):
    common.authorize(ctx, 'volume_extension:volume_admin_actions:'
                     'force_delete')
    volume_api.force_delete(ctx, volume_id)
    return '', 202


def _simple(rule, func):
    def handler(ctx, volume_id, args):
        common.authorize(ctx, _PREFIX + rule)
        func(ctx, volume_id)
        return '', 202
    return handler


def _connector(args):
    connector = args.get('connector')
    if not isinstance(connector, dict):
        raise errors.Invalid(reason='Must specify \'connector\'')
    return connector


def _initialize(ctx, volume_id, args):
    common.authorize(ctx, _PREFIX + 'initialize_connection')
    return {'connection_info': attach.initialize_connection(
        ctx, volume_id, _connector(args))}, 200


def _terminate(ctx, volume_id, args):
    common.authorize(ctx, _PREFIX + 'terminate_connection')
    attach.terminate_connection(ctx, volume_id, _connector(args))
    return '', 202


def _attach(ctx, volume_id, args):
    common.authorize(ctx, _PREFIX + 'attach')
    if not args.get('instance_uuid') and not args.get('host_name'):
        raise errors.Invalid(reason='Invalid request to attach volume to '
                             'an invalid target')
    mode = args.get('mode', 'rw')
    if mode not in ('rw', 'ro'):
        raise errors.Invalid(reason='Invalid request to attach volume '
                             'with an invalid mode. Attaching mode should '
                             'be \'rw\' or \'ro\'')
    attach.attach(ctx, volume_id, common.string(args, 'instance_uuid', 36),
                  common.string(args, 'mountpoint'),
                  common.string(args, 'host_name'), mode)
    return '', 202


def _detach(ctx, volume_id, args):
    common.authorize(ctx, _PREFIX + 'detach')
    attach.detach(ctx, volume_id, common.string(args, 'attachment_id', 36))
    return '', 202


ACTIONS = {
    'os-extend': _extend,
    'os-set_bootable': _set_bootable,
    'os-reset_status': _reset_status,
    'os-force_delete': _force_delete,
    'os-reserve': _simple('reserve', attach.reserve),
    'os-unreserve': _simple('unreserve', attach.unreserve),
    'os-begin_detaching': _simple('begin_detaching', attach.begin_detaching),
    'os-roll_detaching': _simple('detach', attach.roll_detaching),
    'os-initialize_connection': _initialize,
    'os-terminate_connection': _terminate,
    'os-attach': _attach,
    'os-detach': _detach,
    'os-reimage': _reimage,
}


@bp.post('/volumes/<volume_id>/action')
def action(project_id, volume_id):
    """One action of ACTIONS; 400 for none or an unknown one."""
    ctx = common.context()
    body = common.body()
    names = [k for k in body if k in ACTIONS]
    if len(body) != 1 or len(names) != 1:
        raise errors.Invalid(reason='There is no such action: %s' % ', '.join(
            k[:32] for k in body) or 'none')
    args = body[names[0]]
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise errors.Invalid(reason='%s takes an object' % names[0])
    volume_api.get(ctx, volume_id)
    return ACTIONS[names[0]](ctx, volume_id, args)
