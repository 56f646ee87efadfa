"""The compute API microversion history of nova_lite, one row a version.

Each row is ``Version(version, description, handlers, refused)``:

* ``description``: one line, what the version changes (the compute API
  reference's REST API version history is the source of every rule);
* ``handlers``: the handler modules (``nova_lite.api.openstack.compute``)
  whose requests or responses the version changes;
* ``refused``: empty when nova_lite implements the change; otherwise why
  it cannot apply: the action or resource it changes does not exist in
  nova_lite, and keeps answering its documented "not supported" error
  (an unknown action is a 400, an unknown resource a 404) at every
  version.  Nothing is faked.

The advertised maximum (``MAX``, reported by the version documents and
accepted in ``OpenStack-API-Version``) is the last row: rows are added
only once every change of the version is implemented or honestly
refused, contiguously from 2.1.

``ROUTES`` gives the microversion range of the routes that exist only
from (or until) a version; outside it a route answers 404, as an
unknown URL does.  A bound may name a version past ``MAX`` whose row is
not written yet (os-hosts ends at 2.42): it takes effect once the
history reaches it.
"""
import collections

Version = collections.namedtuple('Version',
                                 'version description handlers refused')


def _v(version, description, handlers=(), refused=''):
    return Version(version, description, tuple(handlers), refused)


HISTORY = (
    _v('2.1', 'The base compute API v2.1.', ('*',)),
    _v('2.2', 'Key pair type (ssh or x509) on create, shown in list and '
       'show; create answers 201 and delete 204.', ('keypairs',)),
    _v('2.3', 'Admins see more OS-EXT-SRV-ATTR server attributes '
       '(reservation_id, launch_index, hostname, kernel_id, ramdisk_id, '
       'root_device_name, user_data); volumes_attached shows '
       'delete_on_termination.', ('servers',)),
    _v('2.4', 'os-fixed-ips shows the reserved flag.', ('fixed_ips',),
       refused='os-fixed-ips (a nova-network API) does not exist: 404.'),
    _v('2.5', 'Non-admins may filter server lists by ip6.', ('servers',)),
    _v('2.6', 'The remote-consoles API replaces the get*Console actions '
       '(noVNC and serial consoles through nova-lite-novncproxy; spice is '
       'a 400 "unavailable", rdp a 501; doc/consoles.md).',
       ('remote_consoles',)),
    _v('2.7', 'Adding tenant access to a public flavor is a 409.',
       ('flavor_access',)),
    _v('2.8', 'The mks protocol of remote-consoles (no driver has it: '
       '501, as the compute API answers).', ('remote_consoles',)),
    _v('2.9', 'Servers show the boolean locked.', ('servers',)),
    _v('2.10', 'Admins manage other users\' key pairs (user_id).',
       ('keypairs',)),
    _v('2.11', 'Services show forced_down; PUT /os-services/force-down '
       'sets it (404 before 2.11).', ('services',)),
    _v('2.12', 'os-virtual-interfaces shows the net_id of each VIF.',
       ('virtual_interfaces',),
       refused='os-virtual-interfaces (a nova-network API) does not '
       'exist: 404.'),
    _v('2.13', 'Server groups show project_id and user_id.',
       ('server_groups',)),
    _v('2.14', 'The evacuate action loses onSharedStorage and its '
       'adminPass response.', ('migrate_actions',)),
    _v('2.15', 'Server groups accept the soft-affinity and '
       'soft-anti-affinity policies (400 before 2.15).',
       ('server_groups',)),
    _v('2.16', 'Server show and detail give host_status (UP, DOWN, '
       'MAINTENANCE, UNKNOWN or empty), admins only by default.',
       ('servers',)),
    _v('2.17', 'The trigger_crash_dump server action.', ('server_actions',),
       refused='The trigger_crash_dump action does not exist: 400 '
       '(unknown action).'),
    _v('2.18', 'URLs need no project id: nova_lite serves only URLs '
       'without one, at every version (/v2.1/{project_id}/... is a 404).',
       ('*',)),
    _v('2.19', 'Server description: set on create, update and rebuild '
       '(null clears it), shown in show, detail and the update and '
       'rebuild responses.', ('servers', 'server_actions')),
    _v('2.20', 'Volumes attach to and detach from SHELVED and '
       'SHELVED_OFFLOADED servers (an offloaded server\'s attachment is '
       'recorded with its device and connected by the unshelve; 409 '
       'before 2.20).', ('volume_attachments',)),
    _v('2.21', 'os-instance-actions shows the actions of deleted servers.',
       ('instance_actions',)),
    _v('2.22', 'POST /servers/{id}/migrations/{id}/action force_complete '
       'forces a running live migration to complete (post-copy or a '
       'paused guest; 409 unless running).', ('server_migrations',)),
    _v('2.23', 'GET /servers/{id}/migrations (list, show); os-migrations '
       'shows migration_type and links.',
       ('server_migrations', 'migrations')),
    _v('2.24', 'DELETE /servers/{id}/migrations/{id} aborts a running '
       'live migration (rolled back, status cancelled).',
       ('server_migrations',)),
    _v('2.25', 'os-migrateLive takes block_migration auto and no '
       'disk_over_commit.', ('migrate_server',)),
    _v('2.26', 'Server tags: /servers/{id}/tags (list, replace, delete '
       'all; check, add, delete one), tags in show and detail, list '
       'filters tags, tags-any, not-tags, not-tags-any.',
       ('server_tags', 'servers')),
    _v('2.27', 'The OpenStack-API-Version: compute X header (nova_lite '
       'accepts it and the legacy header at every version).', ('*',)),
    _v('2.28', 'Hypervisor cpu_info is an object instead of a string.',
       ('hypervisors',)),
    _v('2.29', 'The evacuate action takes force (nova_lite\'s scheduler '
       'still checks the named host; doc/migrations-servers.md).',
       ('migrate_actions',)),
    _v('2.30', 'os-migrateLive takes force (with a host: no scheduler '
       'filters, the destination is still claimed and checked).',
       ('migrate_server',)),
    _v('2.31', 'os-console-auth-tokens answers for every console type.',
       ('remote_consoles',)),
    _v('2.32', 'Server create takes a device tag on networks (the NIC\'s '
       'port tag, in the metadata service\'s and config drive\'s '
       'meta_data.json devices list; doc/interfaces.md) and on '
       'block_device_mapping_v2 items (the volume attachment\'s tag).',
       ('servers',)),
    _v('2.33', 'Hypervisor list and detail are paged by limit and marker '
       '(hypervisors_links).', ('hypervisors',)),
    _v('2.34', 'os-migrateLive runs its pre-migration checks in the '
       'background (202 first; a failed check leaves the server ACTIVE, '
       'the migration error and the instance action event Error).',
       ('migrate_server',)),
    _v('2.35', 'Key pair list paged by limit and marker (keypairs_links).',
       ('keypairs',)),
    _v('2.36', 'The proxy APIs /images, /os-networks, '
       '/os-tenant-networks, /os-security-groups, '
       '/os-security-group-rules, /os-floating-ips, '
       '/os-floating-ip-pools, /os-volumes and /os-snapshots answer 404; '
       'quota sets and limits lose the network resources (fixed_ips, '
       'floating_ips, security_groups, security_group_rules).',
       ('images', 'networks', 'security_groups', 'floating_ips',
        'volumes', 'quota_sets', 'limits')),
    _v('2.37', 'Server create requires networks: a list, auto (the '
       'project\'s usable network: its own network when it has one, else '
       'the flat network) or none (a server without any network: no '
       'fixed IP, no NIC); network uuids are UUIDs.', ('servers',)),
    _v('2.38', 'A server list filtered by statuses none of which is '
       'known is a 400 (an empty list before), for admins and members.',
       ('servers',)),
    _v('2.39', 'The image-metadata proxy API answers 404 (nova_lite never '
       'had /images/{id}/metadata: 404 at every version); limits lose '
       'maxImageMeta.', ('image_metadata', 'limits')),
    _v('2.40', 'os-simple-tenant-usage list and show are paged by limit '
       'and marker (tenant_usages_links).', ('simple_tenant_usage',)),
    _v('2.41', 'Aggregates show their uuid.', ('aggregates',)),
    _v('2.42', 'Server create takes a device tag on networks and '
       'block_device_mapping_v2 items again (dropped by 2.33).',
       ('servers',)),
    _v('2.43', 'os-hosts answers 404 (os-hypervisors and os-services '
       'replace it).', ('hosts',)),
    _v('2.44', 'The addFixedIp, removeFixedIp, addFloatingIp and '
       'removeFloatingIp server actions and os-virtual-interfaces answer '
       '404.', ('server_actions', 'virtual_interfaces', 'floating_ips'),
       refused='os-virtual-interfaces does not exist: a 404 at every '
       'version; addFixedIp, removeFixedIp, addFloatingIp and '
       'removeFloatingIp are implemented up to 2.43 and answer 404 '
       'from 2.44.'),
    _v('2.45', 'createImage and createBackup answer image_id in the body '
       'instead of a Location header.', ('server_actions',)),
    _v('2.46', 'The request id is answered in X-OpenStack-Request-ID as '
       'well as X-Compute-Request-ID (nova_lite sends both at every '
       'version).', ('*',)),
    _v('2.47', 'Servers show the flavor copied at create time '
       '(original_name, vcpus, ram, disk, ephemeral, swap, and extra_specs '
       'for callers the extra-specs index policy allows) instead of its '
       'id and link.', ('servers',)),
    _v('2.48', 'Server diagnostics are standardized (the same fields for '
       'every driver, null when unknown).', ('server_diagnostics',)),
    _v('2.49', 'Network interfaces (os-interface, doc/interfaces.md) and '
       'volumes (os-volume_attachments, doc/volumes.md) are attached with '
       'an optional device tag.', ('attach_interfaces',
                                   'volume_attachments')),
    _v('2.50', 'os-quota-class-sets shows server_groups and '
       'server_group_members and no longer the network quotas.',
       ('quota_classes',)),
    _v('2.51', 'Instance action show gives the events to every caller '
       'who may show the action (admins only before; tracebacks stay '
       'admin-only); os-server-external-events takes volume-extended '
       '(os-server-external-events does not exist in nova_lite: 404).',
       ('instance_actions',)),
    _v('2.52', 'Server create takes tags (at most 50).', ('servers',)),
    _v('2.53', 'Services and hypervisors are identified by uuid: PUT '
       '/os-services/{uuid} (status, disabled_reason, forced_down; the '
       'full service answered) replaces enable, disable, '
       'disable-log-reason and force-down (404), DELETE takes the uuid; '
       'hypervisor ids, markers and paths are uuids, list and detail take '
       'hypervisor_hostname_pattern and with_servers (show too), search '
       'and servers answer 404.', ('services', 'hypervisors')),
    _v('2.54', 'The rebuild action takes key_name (null unsets the '
       'key).', ('server_actions',)),
    _v('2.55', 'Flavors have a description: set on create and by PUT '
       '/flavors/{id} (admins; 404 before), shown in every flavor body '
       '(not in the embedded flavor of servers).', ('flavors',)),
    _v('2.56', 'The migrate action takes an optional host (an admin '
       'names the destination of a cold migration; '
       'doc/migrations-servers.md).', ('migrate_actions',)),
    _v('2.57', 'Server create and rebuild lose personality (nova_lite '
       'never injected files: it is a 400 at every version); rebuild '
       'takes user_data (null unsets it); limits lose maxPersonality '
       'and maxPersonalitySize; '
       'quota sets and quota class sets lose injected_files, '
       'injected_file_content_bytes and injected_file_path_bytes.',
       ('servers', 'server_actions', 'limits', 'quota_sets',
        'quota_classes')),
    _v('2.58', 'Instance actions show updated_at; their list is paged by '
       'limit and marker (a request id; links) and filtered by '
       'changes-since; other query parameters are a 400.',
       ('instance_actions',)),
    _v('2.59', 'os-migrations and server migrations are paged by limit '
       'and marker, filtered by changes-since, and show uuid.',
       ('migrations',)),
    _v('2.60', 'Volumes with multiattach can be attached to several '
       'servers.', ('volume_attachments',),
       refused='nova_lite attaches no multiattach volume to a server '
       '(os-volume_attachments answers 400 for one at every version, as '
       'Nova before 2.60).'),
    _v('2.61', 'Flavor detail, show, create and update bodies give '
       'extra_specs to callers the extra-specs index policy allows.',
       ('flavors',)),
    _v('2.62', 'Instance action events show hostId (hashed host) and, '
       'for callers the events policy allows, host.',
       ('instance_actions',)),
    _v('2.63', 'Server create and rebuild take trusted_image_certificates '
       'for image signature verification, shown in server bodies.',
       ('servers',),
       refused='nova_lite verifies no image signatures nor certificates: '
       'trusted_image_certificates stays a 400 on create and rebuild; '
       'server bodies show it as null (no server has any).'),
    _v('2.64', 'Server groups take and show one policy and rules '
       '(max_server_per_host for anti-affinity, enforced by the '
       'scheduler\'s filter and the claim) instead of policies and '
       'metadata.', ('server_groups',)),
    _v('2.65', 'Live migrations in the queued and preparing states can be '
       'aborted.', ('server_migrations',)),
    _v('2.66', 'changes-before filters server lists, instance actions and '
       'os-migrations on the last change (at or before; not earlier than '
       'changes-since: 400).',
       ('servers', 'instance_actions', 'migrations')),
    _v('2.67', 'block_device_mapping_v2 takes volume_type (the type of a '
       'volume the server is created with; an unknown type is a 400).',
       ('servers',)),
    _v('2.68', 'Forced evacuate and live migration are removed (the '
       'evacuate and os-migrateLive actions refuse force: 400).',
       ('migrate_actions', 'migrate_server')),
    _v('2.69', 'Server lists, show and os-services answer minimal records '
       'for servers and services of down cells (nova_lite has one cell, '
       'whose database is the API\'s: no cell can be down while the API '
       'answers, so bodies are complete, as before).',
       ('servers', 'services')),
    _v('2.70', 'Interfaces (os-interface) and volume attachments '
       '(os-volume_attachments) show their device tag.',
       ('attach_interfaces', 'volume_attachments')),
    _v('2.71', 'Server show and update (and rebuild) give server_groups: '
       'the uuids of the groups the server is in.', ('servers',)),
    _v('2.72', 'Servers can be created with neutron ports that have a '
       'resource request (QoS minimum bandwidth).', ('servers',),
       refused='Ports have no resource requests (no QoS policies exist): '
       'a port in networks is accepted at every version, without any '
       'bandwidth claim.'),
    _v('2.73', 'The lock action takes locked_reason, shown (null unless '
       'locked with one) in server show, detail and update; server lists '
       'filter by locked.', ('server_actions', 'servers')),
    _v('2.74', 'Server create takes host and/or hypervisor_hostname (the '
       'compute:servers:create:requested_destination policy, admins by '
       'default; an unknown one is a 400): the scheduler places the '
       'servers there only, its filters still run.', ('servers',)),
    _v('2.75', 'Unknown query parameters are a 400 (servers, flavors, key '
       'pairs, limits, quota sets, server groups, services, '
       'os-simple-tenant-usage); Update Server and the rebuild action '
       'answer the whole server as Show Server does; flavor swap is 0 '
       'instead of ""; with_servers always gives servers (maybe empty).',
       ('servers', 'server_actions', 'flavors', 'keypairs', 'limits',
        'quota_sets', 'server_groups', 'services', 'hypervisors',
        'simple_tenant_usage')),
    _v('2.76', 'os-server-external-events takes power-update.',
       ('server_external_events',),
       refused='os-server-external-events does not exist: 404.'),
    _v('2.77', 'Unshelving a shelved offloaded server takes an '
       'availability_zone (409 for a server that is only SHELVED).',
       ('shelve_actions',)),
    _v('2.78', 'GET /servers/{id}/topology shows the NUMA topology of a '
       'server (nova_lite guests have none: nodes is empty and '
       'pagesize_kb null, as for any server without one).',
       ('server_topology',)),
    _v('2.79', 'Volume attachments take and show delete_on_termination '
       '(the volume is deleted with its server).',
       ('volume_attachments',)),
    _v('2.80', 'os-migrations and server migrations show user_id and '
       'project_id; os-migrations filters by them.', ('migrations',)),
    _v('2.81', 'POST /os-aggregates/{id}/images has the hosts of the '
       'aggregate download images into their image cache (admins; 202).',
       ('aggregates',)),
    _v('2.82', 'os-server-external-events takes accelerator-request-bound.',
       ('server_external_events',),
       refused='os-server-external-events (and accelerators) do not '
       'exist: 404.'),
    _v('2.83', 'Members may filter server lists by availability_zone, '
       'config_drive, key_name, created_at, launched_at, terminated_at, '
       'power_state, task_state, vm_state, progress and user_id (admins '
       'only before).', ('servers',)),
    _v('2.84', 'Instance action events show details: the fault message of '
       'a failed event.', ('instance_actions',)),
    _v('2.85', 'PUT /servers/{id}/os-volume_attachments/{volume_id} takes '
       'delete_on_termination (the other attachment fields may be given '
       'with their current values; a change is a 400); a PUT naming '
       'another volume is a swap, which nova_lite refuses (400) at every '
       'version once the volumes and the attachment are found.',
       ('volume_attachments',)),
    _v('2.86', 'Flavor extra spec create and update validate the keys of '
       'the known namespaces (accel, aggregate_instance_extra_specs, '
       'capabilities, hw, hw_rng, hw_video, os, pci_passthrough, quota, '
       'resources, trait, vmware) and their values: an unknown key of '
       'such a namespace or an invalid value is a 400; other keys are '
       'stored as they are.', ('flavor_extras',)),
    _v('2.87', 'Servers booted from volume can be rescued.',
       ('server_actions',),
       refused='A server booted from a volume cannot be rescued (400, '
       'Nova\'s answer without stable device rescue, which nova_lite '
       'lacks; doc/lifecycle-rescue.md); a server with data volumes is '
       'rescued at every version.'),
    _v('2.88', 'Hypervisor detail and show lose current_workload, cpu_info, '
       'vcpus, vcpus_used, free_disk_gb, local_gb, local_gb_used, '
       'disk_available_least, free_ram_mb, memory_mb, memory_mb_used and '
       'running_vms and gain uptime (null when the host cannot tell); GET '
       '/os-hypervisors/statistics and /os-hypervisors/{id}/uptime answer '
       '404.', ('hypervisors',)),
    _v('2.89', 'Volume attachments show attachment_id and bdm_uuid, not id '
       '(list and show; the attach answer keeps id).',
       ('volume_attachments',)),
    _v('2.90', 'Server create and update (and rebuild) take hostname (a DNS '
       'label; one server only), and OS-EXT-SRV-ATTR:hostname is shown to '
       'every caller.', ('servers',)),
    _v('2.91', 'Unshelve takes a host (admins: the unshelve_to_host '
       'policy) and an availability_zone of null (unpin).',
       ('shelve_actions',)),
    _v('2.92', 'Key pair create requires public_key (no generated pairs: '
       '400 without it); names may hold "@" and ".".', ('keypairs',)),
    _v('2.93', 'Servers booted from volume can be rebuilt with another '
       'image: the volume service writes it over the root volume (400 '
       'before 2.93, and for an image larger than the volume).',
       ('server_image_actions',)),
    _v('2.94', 'The hostname of server create and update (and rebuild) may '
       'be a fully qualified domain name (up to 255 characters).',
       ('servers',)),
    _v('2.95', 'Evacuated servers are stopped at their destination.',
       ('migrate_actions',)),
    _v('2.96', 'Server show, detail and update (and rebuild) give '
       'pinned_availability_zone: the zone the create request asked for '
       '(null without one).', ('servers',)),
    _v('2.97', 'Manila shares are attached to servers: '
       '/servers/{id}/shares (list, attach, show, detach).', ('shares',),
       refused='Shares (Manila) do not exist: /servers/{id}/shares is a '
       '404.'),
    _v('2.98', 'Server show, detail and update (and rebuild) give the '
       'image\'s properties (the standard image metadata properties the '
       'server was created with) in image.properties.', ('servers',)),
    _v('2.99', 'The spice-direct console type (a 400 "unavailable": no '
       'SPICE); os-console-auth-tokens shows tls_port (null) and refuses '
       'query parameters.', ('remote_consoles',)),
    _v('2.100', 'Server show, detail and update (and rebuild) give the '
       'scheduler_hints of the create request.', ('servers',)),
    _v('2.101', 'Volume attach answers 202 instead of 200 (with the same '
       'volumeAttachment body).', ('volume_attachments',)),
    _v('2.102', 'Flavor lists take a name filter (a regular expression) '
       'and flavors lose rxtx_factor and OS-FLV-DISABLED:disabled (flavor '
       'create no longer takes rxtx_factor); every API refuses unknown '
       'query parameters (400).', ('flavors', '*')),
    _v('2.103', 'The undocumented /os-volumes_boot alias of server create '
       'answers 404 (POST /os-volumes_boot creates a server until 2.102).',
       ('volumes_boot',)),
    _v('2.104', 'Update Server takes pinned_availability_zone: null unpins '
       'the server, its current zone pins an unpinned one (the same pin '
       'again is a no-op); another zone is a 409.', ('servers',)),
)

#: (method, Flask rule) → (first version, last version or None) of
#: routes that do not exist at every microversion.
_TAGS = '/v2.1/servers/<server_id>/tags'
_HOSTS = '/v2.1/os-hosts'
_SERVER_MIGRATIONS = '/v2.1/servers/<server_id>/migrations'
ROUTES = {
    ('POST', '/v2.1/servers/<server_id>/remote-consoles'): ('2.6', None),
    ('GET', _SERVER_MIGRATIONS): ('2.23', None),
    ('GET', _SERVER_MIGRATIONS + '/<migration_id>'): ('2.23', None),
    ('POST', _SERVER_MIGRATIONS + '/<migration_id>/action'): ('2.22', None),
    ('DELETE', _SERVER_MIGRATIONS + '/<migration_id>'): ('2.24', None),
    ('PUT', '/v2.1/os-services/force-down'): ('2.11', '2.52'),
    ('PUT', '/v2.1/os-services/enable'): ('2.1', '2.52'),
    ('PUT', '/v2.1/os-services/disable'): ('2.1', '2.52'),
    ('PUT', '/v2.1/os-services/disable-log-reason'): ('2.1', '2.52'),
    ('PUT', '/v2.1/os-services/<service_id>'): ('2.53', None),
    ('PUT', '/v2.1/flavors/<flavor_id>'): ('2.55', None),
    ('GET', '/v2.1/servers/<server_id>/topology'): ('2.78', None),
    ('POST', '/v2.1/os-aggregates/<aggregate_id>/images'): ('2.81', None),
    ('GET', '/v2.1/os-hypervisors/statistics'): ('2.1', '2.87'),
    ('GET', '/v2.1/os-hypervisors/<hypervisor_id>/uptime'): ('2.1', '2.87'),
    ('GET', '/v2.1/os-hypervisors/<hostname_pattern>/search'): ('2.1',
                                                                '2.52'),
    ('GET', '/v2.1/os-hypervisors/<hostname_pattern>/servers'): ('2.1',
                                                                 '2.52'),
    ('GET', _TAGS): ('2.26', None),
    ('PUT', _TAGS): ('2.26', None),
    ('DELETE', _TAGS): ('2.26', None),
    ('GET', _TAGS + '/<tag>'): ('2.26', None),
    ('PUT', _TAGS + '/<tag>'): ('2.26', None),
    ('DELETE', _TAGS + '/<tag>'): ('2.26', None),
    ('POST', '/v2.1/os-volumes_boot'): ('2.1', '2.102'),
    ('GET', '/v2.1/os-volumes_boot'): ('2.1', '2.102'),
    ('GET', '/v2.1/images'): ('2.1', '2.35'),
    ('GET', '/v2.1/images/detail'): ('2.1', '2.35'),
    ('GET', '/v2.1/images/<image_id>'): ('2.1', '2.35'),
    ('DELETE', '/v2.1/images/<image_id>'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-networks'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-networks/<network_id>'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-tenant-networks'): ('2.1', '2.35'),
    ('POST', '/v2.1/os-tenant-networks'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-tenant-networks/<network_id>'): ('2.1', '2.35'),
    ('DELETE', '/v2.1/os-tenant-networks/<network_id>'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-security-groups'): ('2.1', '2.35'),
    ('POST', '/v2.1/os-security-groups'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-security-groups/<group_id>'): ('2.1', '2.35'),
    ('PUT', '/v2.1/os-security-groups/<group_id>'): ('2.1', '2.35'),
    ('DELETE', '/v2.1/os-security-groups/<group_id>'): ('2.1', '2.35'),
    ('POST', '/v2.1/os-security-group-rules'): ('2.1', '2.35'),
    ('DELETE', '/v2.1/os-security-group-rules/<rule_id>'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-floating-ips'): ('2.1', '2.35'),
    ('POST', '/v2.1/os-floating-ips'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-floating-ips/<fip_id>'): ('2.1', '2.35'),
    ('DELETE', '/v2.1/os-floating-ips/<fip_id>'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-floating-ip-pools'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-volumes'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-volumes/detail'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-volumes/<volume_id>'): ('2.1', '2.35'),
    ('POST', '/v2.1/os-volumes'): ('2.1', '2.35'),
    ('DELETE', '/v2.1/os-volumes/<volume_id>'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-snapshots'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-snapshots/detail'): ('2.1', '2.35'),
    ('GET', '/v2.1/os-snapshots/<snapshot_id>'): ('2.1', '2.35'),
    ('POST', '/v2.1/os-snapshots'): ('2.1', '2.35'),
    ('DELETE', '/v2.1/os-snapshots/<snapshot_id>'): ('2.1', '2.35'),
    ('GET', _HOSTS): ('2.1', '2.42'),
    ('GET', _HOSTS + '/<host_name>'): ('2.1', '2.42'),
    ('PUT', _HOSTS + '/<host_name>'): ('2.1', '2.42'),
    ('GET', _HOSTS + '/<host_name>/startup'): ('2.1', '2.42'),
    ('GET', _HOSTS + '/<host_name>/shutdown'): ('2.1', '2.42'),
    ('GET', _HOSTS + '/<host_name>/reboot'): ('2.1', '2.42'),
}

MAX = HISTORY[-1].version


def implemented():
    """Rows nova_lite implements."""
    return [row for row in HISTORY if not row.refused]


def refused():
    """Rows whose change cannot apply (see the module docstring)."""
    return [row for row in HISTORY if row.refused]


def markdown_table():
    """The history as the Markdown table of doc/microversions.md (a unit
    test keeps the page equal to it)."""
    lines = ['| Version | Change | Handlers | Status |',
             '|---|---|---|---|']
    for row in HISTORY:
        status = 'refused: ' + row.refused if row.refused else 'implemented'
        lines.append('| %s | %s | %s | %s |' % (
            row.version, row.description, ', '.join(row.handlers), status))
    return '\n'.join(lines) + '\n'
