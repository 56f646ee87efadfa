"""Handlers of the resize actions of ``POST /v2.1/servers/{id}/action``
(``resize`` 202, ``confirmResize`` 204, ``revertResize`` 202; compute
API reference), registered in ``server_actions.ACTIONS``. The work is
``nova_lite.compute.api_resize``'s; doc/lifecycle-resize.md has the
error codes."""
from nova_lite.api import openstack


def flavor_id(flavor_ref):
    """The flavor id of a ``flavorRef`` (an id, or a URL ending in
    it)."""
    return str(flavor_ref).rstrip('/').rsplit('/', 1)[-1]


def resize(context, server_id, args):
    openstack.compute_api().resize(context, server_id,
                                   flavor_id(args['flavorRef']))
    return '', 202


def confirm_resize(context, server_id, _args):
    openstack.compute_api().confirm_resize(context, server_id)
    return '', 204


def revert_resize(context, server_id, _args):
    openstack.compute_api().revert_resize(context, server_id)
    return '', 202
