"""Handler of the ``migrate`` action of ``POST /v2.1/servers/{id}/action``
(compute API reference, "Migrate Server (migrate Action)"; 202, no
body), registered in ``server_actions.ACTIONS``. Admins only by default
(``os_compute_api:os-migrate-server:migrate``; naming a ``host``, from
microversion 2.56, also needs ``...:migrate:host``). The work is
``nova_lite.compute.api_migrate``'s; doc/migrations-servers.md has the
error codes."""
from nova_lite.api import openstack
from nova_lite import policy
from nova_lite.policies import admin_actions as admin_policies


def migrate(context, server_id, args):
    """202: the server is in RESIZE, on its way to VERIFY_RESIZE."""
    host = args.get('host')
    if host is not None:
        policy.authorize(context, admin_policies.MIGRATE_HOST)
    openstack.compute_api().migrate(context, server_id, host=host)
    return '', 202


#: action name → (policy rule, handler(context, server_id, args)).
ACTIONS = {'migrate': (admin_policies.MIGRATE, migrate)}
