"""Handlers of the ``migrate`` and ``evacuate`` actions of ``POST
/v2.1/servers/{id}/action`` (compute API reference, "Migrate Server
(migrate Action)", 202 without a body; "Evacuate Server (evacuate
Action)", 200) and ``os-migrateLive`` ("Live-Migrate Server
(os-migrateLive Action)", 202), registered in ``server_actions.ACTIONS``.
Admins only by default (``os_compute_api:os-migrate-server:migrate``,
naming a ``host`` from microversion 2.56 also ``...:migrate:host``;
``os_compute_api:os-evacuate``;
``os_compute_api:os-migrate-server:migrate_live``). The work is
``nova_lite.compute.api_migrate``'s; doc/migrations-servers.md has the
error codes.
"""
import secrets

from nova_lite.api import microversion
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


def evacuate(context, server_id, args):
    """200: ``{"adminPass": ...}`` before 2.14 (when ``[api]
    enable_instance_password``), no body from 2.14 (the password is the
    request's ``adminPass`` or a generated one)."""
    before_2_14 = not microversion.at_least('2.14')
    password = args.get('adminPass')
    if password is None and before_2_14:
        password = secrets.token_urlsafe(9)
    openstack.compute_api().evacuate(
        context, server_id, host=args.get('host'), admin_password=password,
        on_shared_storage=openstack.parse_bool(
            args.get('onSharedStorage', False), 'onSharedStorage'),
        force=openstack.parse_bool(args.get('force', False), 'force'),
        target_state='stopped' if microversion.at_least('2.95') else None)
    if before_2_14 and openstack.conf().api.enable_instance_password:
        return {'adminPass': password}, 200
    return '', 200


def live_migrate(context, server_id, args):
    """202, no body (compute API reference, "Live-Migrate Server
    (os-migrateLive Action)"): before 2.34 the destination checks are
    done (a failure is a 400), from 2.34 they run after the answer.
    ``block_migration`` is a boolean before 2.25 ('auto' from 2.25);
    ``disk_over_commit`` (before 2.25) is accepted and ignored: the
    scheduler's ``disk_allocation_ratio`` decides; ``force`` counts only
    with a ``host`` (2.30-2.67)."""
    block = args['block_migration']
    if block != 'auto':
        block = openstack.parse_bool(block, 'block_migration')
    openstack.compute_api().live_migrate(
        context, server_id, host=args.get('host'), block_migration=block,
        force=openstack.parse_bool(args.get('force', False), 'force'),
        wait=not microversion.at_least('2.34'))
    return '', 202


#: action name → (policy rule, handler(context, server_id, args)).
ACTIONS = {'migrate': (admin_policies.MIGRATE, migrate),
           'evacuate': (admin_policies.EVACUATE, evacuate),
           'os-migrateLive': (admin_policies.MIGRATE_LIVE, live_migrate)}
