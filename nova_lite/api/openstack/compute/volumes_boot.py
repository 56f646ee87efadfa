"""``/v2.1/os-volumes_boot``: the old name of server create (and list),
kept by Nova for clients that booted servers from volumes with it (the
same body, policy and answer as ``POST /v2.1/servers``, ``GET
/v2.1/servers``); removed in microversion 2.103 (404 from then on,
``versions_history.ROUTES``; doc/volumes.md, "Boot from volume")."""
import flask

from nova_lite.api.openstack.compute import servers

bp = flask.Blueprint('volumes_boot', __name__,
                     url_prefix='/v2.1/os-volumes_boot')


@bp.post('')
def create():
    """As ``servers.create`` (until 2.102)."""
    return servers.create()


@bp.get('')
def index():
    """As ``servers.index`` (until 2.102)."""
    return servers.index()
