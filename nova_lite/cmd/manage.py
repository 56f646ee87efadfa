"""nova-lite-manage: database and cloud administration from the shell.

    nova-lite-manage db sync | db version
    nova-lite-manage db purge --before DATE [--batch-size N]
    nova-lite-manage service list
    nova-lite-manage service check --binary B [--host H]  (exit 1 if down)
    nova-lite-manage bootstrap [--image-name N --image-file F
                               --image-property k=v ...]
    nova-lite-manage flavor create NAME --vcpus N --ram MiB --disk GiB
                               [--id ID]
    nova-lite-manage image create NAME --file F [--disk-format raw]
                               [--property k=v ...]
    nova-lite-manage network create-external NAME CIDR [--pool START-END]
                               [--route-flat]
    nova-lite-manage cloudstack register-keys --user U --project P
                               [--domain D]
"""
import datetime
import sys

from oslo_config import cfg
from oslo_utils import timeutils

from nova_lite import bootstrap
from nova_lite.cmd import common
from nova_lite import context as nl_context
from nova_lite.db import flavors as flavor_db
from nova_lite.db import purge as purge_db
from nova_lite.db import services as service_db
from nova_lite.db import migration
from nova_lite import exception
from nova_lite import servicegroup

CONF = cfg.CONF


def _ctxt():
    return nl_context.get_admin_context()


def _props(items):
    return dict(item.split('=', 1) for item in items or [])


def db_sync():
    migration.db_sync(CONF.command.version)
    print('Database at revision %s' % migration.db_version())


def db_version():
    print(migration.db_version() or 'empty')


def db_purge():
    """Hard-delete soft-deleted instances older than --before, in batches,
    drawing a progress bar on stderr."""
    before = _parse_date(CONF.command.before)
    ctxt = _ctxt()
    total = purge_db.purge_count(ctxt, before)
    done = 0
    _progress(done, total)
    while True:
        count = purge_db.purge_batch(ctxt, before, CONF.command.batch_size)
        if not count:
            break
        done += count
        _progress(done, total)
    print('\nPurged %d deleted instance(s) older than %s' % (done, before))


def _parse_date(text):
    try:
        return datetime.datetime.fromisoformat(text.replace('Z', ''))
    except ValueError as exc:
        raise exception.Invalid(reason='--before must be an ISO 8601 date '
                                'or datetime, not %r' % text) from exc


def _progress(done, total, width=40):
    filled = width if not total else int(width * done / total)
    sys.stderr.write('\r[%s%s] %d/%d' % ('#' * filled, '.' * (width - filled),
                                          done, total))
    sys.stderr.flush()


def service_check():
    """Exit 0 when (binary, host) is up by ``nova_lite.servicegroup``'s
    rule (not forced down, heartbeat within ``service_down_time``
    seconds); else ServiceNotFound (exit 1) saying why."""
    host = CONF.command.service_host or CONF.host
    services = service_db.service_get_all(_ctxt(), binary=CONF.command.binary,
                                          host=host)
    for svc in services:
        if servicegroup.is_up(svc):
            print('%s on %s: up' % (svc['binary'], svc['host']))
            return
    if any(svc['forced_down'] for svc in services):
        why = 'forced down'
    else:
        why = 'no heartbeat within %ds' % servicegroup.down_time()
    raise exception.ServiceNotFound(
        service_id='%s on %s (%s)' % (CONF.command.binary, host, why))


def service_list():
    """Every service with its status (enabled/disabled), state (up/down
    by ``nova_lite.servicegroup``) and last heartbeat (naive UTC)."""
    fmt = '%-6s %-22s %-20s %-9s %-5s %s'
    print(fmt % ('Id', 'Binary', 'Host', 'Status', 'State', 'Updated'))
    now = timeutils.utcnow()
    for svc in service_db.service_get_all(_ctxt()):
        state = 'up' if servicegroup.is_up(svc, now) else 'down'
        status = 'disabled' if svc['disabled'] else 'enabled'
        print(fmt % (svc['id'], svc['binary'], svc['host'], status, state,
                     servicegroup.last_heartbeat(svc)))


def do_bootstrap():
    ctxt = _ctxt()
    created = bootstrap.ensure_flavors(ctxt)
    network = bootstrap.ensure_network(ctxt)
    print('Flavors created: %s' % (', '.join(created) or 'none (present)'))
    print('Network %s: %s' % (network['label'], network['cidr']))
    if CONF.command.image_name:
        image = bootstrap.ensure_image(
            ctxt, CONF.command.image_name, CONF.command.image_file,
            CONF.command.disk_format, _props(CONF.command.image_property))
        print('Image %s: %s' % (image['name'], image['uuid']))


def flavor_create():
    cmd = CONF.command
    values = {'name': cmd.flavor_name, 'vcpus': cmd.vcpus,
              'memory_mb': cmd.ram, 'root_gb': cmd.disk}
    if cmd.id:
        values['flavorid'] = cmd.id
    flavor = flavor_db.flavor_create(_ctxt(), values)
    print('Flavor %s: id %s' % (flavor['name'], flavor['flavorid']))


def image_create():
    cmd = CONF.command
    image = bootstrap.ensure_image(_ctxt(), cmd.image_name, cmd.file,
                                   cmd.disk_format, _props(cmd.property))
    print('Image %s: %s' % (image['name'], image['uuid']))


def network_create_external():
    """The external network of floating IPs (idempotent by name);
    prints ``Network NAME: ID``."""
    cmd = CONF.command
    pool = None
    if cmd.pool:
        start, _sep, end = cmd.pool.partition('-')
        pool = (start, end or start)
    network = bootstrap.ensure_external_network(
        _ctxt(), cmd.network_name, cmd.cidr, pool,
        route_flat=cmd.route_flat)
    print('Network %s: %s' % (network['label'], network['uuid']))


def _add_parsers(subparsers):
    db = subparsers.add_parser('db').add_subparsers(dest='db_action')
    sync = db.add_parser('sync')
    sync.add_argument('version', nargs='?', default='head')
    sync.set_defaults(func=db_sync)
    db.add_parser('version').set_defaults(func=db_version)
    purge = db.add_parser('purge')
    purge.add_argument('--before', required=True,
                       help='ISO 8601 date: purge rows deleted before it')
    purge.add_argument('--batch-size', type=int, default=500)
    purge.set_defaults(func=db_purge)
    svc = subparsers.add_parser('service').add_subparsers(dest='svc_action')
    svc.add_parser('list').set_defaults(func=service_list)
    check = svc.add_parser('check')
    check.add_argument('--binary', required=True)
    check.add_argument('--host', dest='service_host')
    check.set_defaults(func=service_check)
    boot = subparsers.add_parser('bootstrap')
    boot.add_argument('--image-name')
    boot.add_argument('--image-file')
    boot.add_argument('--disk-format', default='raw')
    boot.add_argument('--image-property', action='append')
    boot.set_defaults(func=do_bootstrap)
    flv = subparsers.add_parser('flavor').add_subparsers(dest='flv_action')
    fc = flv.add_parser('create')
    # Not dest 'name': oslo.config keeps the sub-command's name there.
    fc.add_argument('flavor_name', metavar='NAME')
    fc.add_argument('--vcpus', type=int, required=True)
    fc.add_argument('--ram', type=int, required=True, help='MiB')
    fc.add_argument('--disk', type=int, default=0, help='GiB')
    fc.add_argument('--id')
    fc.set_defaults(func=flavor_create)
    img = subparsers.add_parser('image').add_subparsers(dest='img_action')
    ic = img.add_parser('create')
    ic.add_argument('image_name', metavar='NAME')
    ic.add_argument('--file')
    ic.add_argument('--disk-format', default='raw')
    ic.add_argument('--property', action='append')
    ic.set_defaults(func=image_create)
    net = subparsers.add_parser('network').add_subparsers(
        dest='net_action')
    ext = net.add_parser('create-external')
    ext.add_argument('network_name', metavar='NAME')
    ext.add_argument('cidr', metavar='CIDR')
    ext.add_argument('--pool', help='START-END: the floating addresses')
    ext.add_argument('--route-flat', action='store_true',
                     help='a router from the flat network to it')
    ext.set_defaults(func=network_create_external)
    _add_cloudstack_parsers(subparsers)


# -------------------------------------------------------------- cloudstack

def cloudstack_register_keys():
    """Make a CloudStack API key pair for a Keystone user in a project
    (names or ids) and print it; the secret is stored in Keystone."""
    from nova_lite.api.cloudstack.commands import accounts
    from nova_lite.api.cloudstack import errors as cs_errors
    from nova_lite.api.cloudstack import keystone as cs_keystone

    cmd = CONF.command
    try:
        client = cs_keystone.get_client(CONF)
        user_id = client.find('user', cmd.user, cmd.domain)
        project_id = client.find('project', cmd.project, cmd.domain)
        if not client.project_roles(user_id, project_id):
            raise cs_errors.InvalidParameter(
                'user %s has no role on project %s' % (cmd.user,
                                                       cmd.project))
        api_key, secret_key = accounts.register_keys(
            CONF, _ctxt(), user_id, project_id)
    except cs_errors.CloudStackError as exc:
        raise exception.NovaLiteException(exc.text) from None
    print('apikey = %s\nsecretkey = %s' % (api_key, secret_key))


def _add_cloudstack_parsers(subparsers):
    cs = subparsers.add_parser('cloudstack').add_subparsers(
        dest='cs_action')
    keys = cs.add_parser('register-keys')
    keys.add_argument('--user', required=True, help='Keystone user')
    keys.add_argument('--project', required=True, help='Keystone project')
    keys.add_argument('--domain', default='Default',
                      help='Keystone domain of the names')
    keys.set_defaults(func=cloudstack_register_keys)


command_opt = cfg.SubCommandOpt('command', title='Commands',
                                handler=_add_parsers)


def _main(argv):
    common.parse_args(argv, cli_opts=[command_opt], init_rpc=False)
    func = getattr(CONF.command, 'func', None)
    if func is None:
        print(__doc__)
        return 2
    try:
        func()
    except exception.NovaLiteException as exc:
        print('Error: %s' % exc.format_message(), file=sys.stderr)
        return 1
    return 0


def main():
    sys.exit(common.main_wrapper(_main))
