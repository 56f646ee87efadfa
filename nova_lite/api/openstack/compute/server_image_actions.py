"""The ``rebuild``, ``createImage`` and ``createBackup`` server actions
of ``POST /v2.1/servers/{id}/action`` (compute API reference, "Rebuild
Server (rebuild Action)", "Create Image (createImage Action)", "Create
Server Back Up (createBackup Action)"); dispatched by
``server_actions``, bodies validated by
``nova_lite.api.schemas.server_image_actions``; the work is done by
``nova_lite.compute.api_rebuild`` and ``compute.api_snapshot``.

* rebuild answers 202 with the server: before 2.75 the view of Update
  Server (with ``adminPass`` when ``[api] enable_instance_password``;
  the password is the request's or a generated one; ``tags`` from 2.26,
  ``key_name`` from 2.54, ``user_data`` from 2.57, ``server_groups``
  from 2.71), from 2.75 the whole server as Show Server gives it.
* createImage and createBackup answer 202: before 2.45 with no body and
  a ``Location`` header, the image's URL in the image API
  (``/image/v2/images/{id}``); from 2.45 ``{"image_id": id}`` and no
  Location.  ``rotation`` 0 of createBackup deletes every backup of the
  type, the new one included, as Nova does.
"""
import secrets

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.api.openstack.compute import servers
from nova_lite.api.openstack.compute.views import servers as views
from nova_lite.policies import servers as server_policies


def _rebuild_kwargs(args):
    """Keyword arguments of ``API.rebuild`` from a validated body."""
    kwargs = {'name': args.get('name'), 'metadata': args.get('metadata'),
              'access_ips': servers._access_ips(args),
              'preserve_ephemeral': openstack.parse_bool(
                  args.get('preserve_ephemeral', False),
                  'preserve_ephemeral')}
    # Present only at the versions whose schema takes them.
    for key, name in (('key_name', 'key_name'), ('user_data', 'user_data'),
                      ('description', 'description')):
        if key in args:
            kwargs[name] = args[key]
    if args.get('hostname'):
        kwargs['hostname'] = args['hostname']
    return kwargs


def _rebuild_fields(row):
    """What the Rebuild Server body adds to the Update Server view before
    2.75 (compute API reference): ``key_name`` from 2.54, ``user_data``
    (base64, or null) from 2.57, ``trusted_image_certificates`` (always
    null: see ``views.servers``) from 2.63."""
    fields = {}
    if microversion.at_least('2.54'):
        fields['key_name'] = row.key_name
    if microversion.at_least('2.57'):
        fields['user_data'] = getattr(row, 'user_data', None)
    if microversion.at_least('2.63'):
        fields['trusted_image_certificates'] = None
    return fields


def rebuild(context, server_id, args):
    """202 ``{"server": {...}}`` (see the module doc)."""
    password = args.get('adminPass') or secrets.token_urlsafe(9)
    compute = openstack.compute_api()
    compute.rebuild(context, server_id, servers._last_segment(
        args['imageRef']), admin_pass=password,
        reimage_boot_volume=microversion.at_least('2.93'),
        **_rebuild_kwargs(args))
    row = compute.get(context, server_id)
    labels = servers.network_labels(context, [row])
    if microversion.at_least('2.75'):
        # The Show Server body, with the rebuild's own user_data in place
        # of OS-EXT-SRV-ATTR:user_data (compute API reference, 2.75).
        server = views.detail(row, labels,
                              **servers._detail_args(context, [row]))
        server.pop('OS-EXT-SRV-ATTR:user_data', None)
        server.update(_rebuild_fields(row))
    else:
        server = views.show(row, labels,
                            **servers.update_view_args(context, row))
        server.update(_rebuild_fields(row))
    if openstack.conf().api.enable_instance_password:
        server['adminPass'] = password
    return {'server': servers._with_server_groups(context, server)}, 202


def _image_answer(image):
    """202: ``{"image_id"}`` from 2.45, else a Location header."""
    if microversion.at_least('2.45'):
        return {'image_id': image['uuid']}, 202
    location = '%simage/v2/images/%s' % (openstack.base_url(),
                                         image['uuid'])
    return '', 202, {'Location': location}


def create_image(context, server_id, args):
    """202 (see ``_image_answer``)."""
    image = openstack.compute_api().snapshot(
        context, server_id, args['name'], metadata=args.get('metadata'))
    return _image_answer(image)


def create_backup(context, server_id, args):
    """202 (see ``_image_answer``)."""
    rotation = openstack.parse_int(args['rotation'], 'rotation', minimum=0)
    image = openstack.compute_api().backup(
        context, server_id, args['name'], args['backup_type'], rotation,
        metadata=args.get('metadata'))
    return _image_answer(image)


#: action name → (policy rule, handler), merged into
#: ``server_actions.ACTIONS``.
ACTIONS = {
    'rebuild': (server_policies.SERVERS % 'rebuild', rebuild),
    'createImage': (server_policies.SERVERS % 'create_image',
                    create_image),
    'createBackup': (server_policies.CREATE_BACKUP, create_backup),
}
