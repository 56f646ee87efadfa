"""[cloudstack] options: the Apache CloudStack command API (``/client/api``).

The API authenticates callers itself (signed requests with an API key, or a
``login`` session) and reads secret keys and role assignments from Keystone
with the service user of ``[<keystone_section>]`` (by default the
``[keystone_authtoken]`` section keystonemiddleware already uses).
"""
from oslo_config import cfg

cloudstack_group = cfg.OptGroup(
    'cloudstack', title='CloudStack command API options',
    help='The /client/api endpoint that speaks the Apache CloudStack API '
         'over the nova_lite engine.')

cloudstack_opts = [
    cfg.BoolOpt('enabled', default=True,
                help='Serve the CloudStack command API at /client/api in '
                     'the nova-lite-api process.'),
    cfg.BoolOpt('record_events', default=True,
                help='Record the events of listEvents (VM.CREATE, '
                     'VM.START, ...): the conductor consumes the versioned '
                     'notifications in a queue of its own and writes one '
                     'row per event. Needs [notifications] '
                     'notification_format versioned or both. The security '
                     'group events (SG.CREATE, SG.AUTH.INGRESS, ...) are '
                     'written by the API when its command has made the '
                     'change, whatever the notification format.'),
    cfg.StrOpt('keystone_section', default='keystone_authtoken',
               help='Config section holding the keystoneauth options '
                    '(auth_type, auth_url, username, password, '
                    'project_name, ...) of the Keystone service user that '
                    'reads and writes API key credentials and role '
                    'assignments. That user needs the admin role.'),
    cfg.StrOpt('identity_interface', default='internal',
               choices=['public', 'internal', 'admin'],
               help='Interface of the identity endpoint in the Keystone '
                    'catalog used for credential and role look-ups.'),
    cfg.IntOpt('keystone_timeout', default=10, min=1,
               help='Seconds one request to Keystone may take.'),
    cfg.StrOpt('credential_type', default='cloudstack',
               choices=[('cloudstack', 'Keystone credentials of type '
                                       '"cloudstack"'),
                        ('ec2', 'Keystone credentials of type "ec2" '
                                '(usable by EC2-style tools too)')],
               help='Type of the Keystone credential that stores the API '
                    'key and secret key of a key pair (blob '
                    '{"access": apikey, "secret": secretkey}).'),
    cfg.IntOpt('credential_cache_time', default=60, min=0,
               help='Seconds a secret key and the role assignments of an '
                    'API key are cached in the API process; 0 disables '
                    'the cache. A deleted credential or a removed role '
                    'takes effect after at most this long.'),
    cfg.IntOpt('credential_cache_size', default=1024, min=1,
               help='Maximum number of API keys whose secrets are cached.'),
    cfg.IntOpt('session_timeout', default=1800, min=60,
               help='Seconds a login session may stay idle (exact to '
                    '10 s: its last use is written at most every 10 s); '
                    'it also ends when its Keystone token expires. '
                    'Sessions are stored in the database (digests of the '
                    'session id and key only), so every API process and '
                    'API host knows every session: no sticky sessions '
                    'are needed behind a load balancer.'),
    cfg.IntOpt('max_sessions', default=10000, min=1,
               help='Maximum number of concurrent login sessions of the '
                    'cloud; beyond it the least recently used session '
                    'ends (logins at the same moment may overshoot it '
                    'by one each).'),
    cfg.IntOpt('max_expires_seconds', default=86400, min=60,
               help='Largest distance in the future, in seconds, that the '
                    '"expires" of a signatureVersion=3 request may have.'),
    cfg.IntOpt('cpu_speed_mhz', default=2000, min=1,
               help='CPU speed in MHz reported as cpuspeed of service '
                    'offerings and virtual machines (flavors have none).'),
    cfg.IntOpt('vm_stats_workers', default=4, min=1, max=32,
               help='Most computes asked at once for the counters of the '
                    'running VMs of one listVirtualMachines call with '
                    'details=stats (or all): one RPC call per VM.'),
    cfg.IntOpt('vm_stats_timeout', default=10, min=1,
               help='Seconds a listVirtualMachines call with '
                    'details=stats waits for the counters of one VM; a VM '
                    'whose compute does not answer in time is listed '
                    'without them.'),
    cfg.IntOpt('default_page_size', default=500, min=1,
               help='Page size of list commands called with "page" but '
                    'without "pagesize" (CloudStack default.page.size).'),
    cfg.IntOpt('max_page_size', default=1000, min=1,
               help='Largest "pagesize" a list command accepts.'),
    cfg.IntOpt('change_service_timeout', default=120, min=1,
               help='Seconds changeServiceForVirtualMachine (a synchronous '
                    'command) waits for the resize of the stopped VM and '
                    'its confirmation; past it the command fails with 530 '
                    'while the resize goes on.'),
    cfg.IntOpt('expunge_delay', default=86400, min=0,
               help='Seconds a VM destroyed by destroyVirtualMachine '
                    'without expunge=true stays Destroyed (powered off, '
                    'recoverable with recoverVirtualMachine) before it is '
                    'expunged (CloudStack expunge.delay); independent of '
                    '[DEFAULT] reclaim_instance_interval. 0 expunges at '
                    'once. See doc/lifecycle.md.'),
    cfg.BoolOpt('allow_user_expunge_recover_vm', default=False,
                help='Let users (not only admins) call '
                     'recoverVirtualMachine and expungeVirtualMachine and '
                     'destroy with expunge=true (CloudStack '
                     'allow.user.expunge.recover.vm).'),
    cfg.IntOpt('vm_snapshot_max', default=10, min=1,
               help='Most VM snapshots one VM may have (CloudStack '
                    'vmsnapshot.max); createVMSnapshot beyond it fails '
                    'with 431. See doc/cloudstack.md "VM snapshots".'),
    cfg.StrOpt('version', default='4.19.0',
               help='CloudStack API version reported by listCapabilities '
                    'and in XML responses.'),
]


def register_opts(conf):
    conf.register_group(cloudstack_group)
    conf.register_opts(cloudstack_opts, group=cloudstack_group)


def list_opts():
    return {cloudstack_group: cloudstack_opts}
