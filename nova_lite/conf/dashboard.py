"""[dashboard] options: the web dashboard (``nova-lite-dashboard``).

The dashboard signs users in with Keystone (password, project) and calls
the public compute, image and block storage APIs found in the token's
catalog with the user's own token, so the API's policy is the
dashboard's policy (doc/dashboard.md).
"""
from oslo_config import cfg

dashboard_group = cfg.OptGroup(
    'dashboard', title='Web dashboard options',
    help='The nova-lite-dashboard service: pages for users and operators '
         'over the public APIs.')

dashboard_opts = [
    cfg.HostAddressOpt('listen', default='127.0.0.1',
                       help='Address the dashboard listens on.'),
    cfg.PortOpt('port', default=8790, help='Port of the dashboard.'),
    cfg.IntOpt('threads', default=16, min=1,
               help='Request threads of the dashboard process.'),
    cfg.URIOpt('auth_url', schemes=['http', 'https'],
               help='Keystone (Identity v3) URL users sign in against, '
                    'e.g. http://127.0.0.1:5000/v3. Unset: '
                    '[keystone_authtoken] www_authenticate_uri.'),
    cfg.StrOpt('user_domain_name', default='Default',
               help='Domain of the users who sign in.'),
    cfg.StrOpt('project_domain_name', default='Default',
               help='Domain of the projects users sign in to.'),
    cfg.StrOpt('interface', default='public',
               choices=['public', 'internal', 'admin'],
               help='Catalog interface of the compute, image and block '
                    'storage endpoints the dashboard calls.'),
    cfg.StrOpt('region_name', help='Catalog region (unset: any).'),
    cfg.IntOpt('request_timeout', default=30, min=1,
               help='Seconds one call to Keystone or an API may take.'),
    cfg.IntOpt('session_idle_timeout', default=3600, min=60,
               help='Seconds a signed-in session lasts without a '
                    'request; it also ends when its token expires.'),
    cfg.IntOpt('max_sessions', default=10000, min=1,
               help='Sessions kept at most; the least recently used go '
                    'first.'),
    cfg.BoolOpt('secure_cookies', default=True,
                help='Mark the session and CSRF cookies Secure (sent '
                     'over HTTPS only; browsers also send them to '
                     'http://localhost and http://127.0.0.1). Set False '
                     'only for a plain-HTTP lab on another address.'),
    cfg.IntOpt('refresh_seconds', default=3, min=1,
               help='Seconds between two refreshes of a live table.'),
    cfg.StrOpt('assets_dir',
               help='Folder holding node_modules/ with htmx.org and '
                    '@picocss/pico (tools/fetch-dashboard-assets.sh). '
                    'Unset: nova_lite/dashboard/assets.'),
]


def register_opts(conf):
    conf.register_group(dashboard_group)
    conf.register_opts(dashboard_opts, group=dashboard_group)


def list_opts():
    return {dashboard_group: dashboard_opts}
