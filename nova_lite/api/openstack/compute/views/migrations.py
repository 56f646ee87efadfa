"""Migration bodies of os-migrations and server migrations (compute API
reference, "Migrations (os-migrations)" and "Server migrations"), by
microversion: ``migration_type`` and, for in-progress live migrations,
``links`` from 2.23 (os-migrations); ``uuid`` from 2.59; ``user_id`` and
``project_id`` from 2.80."""
from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import timestamps
from nova_lite.compute import migrations as migration_api

_HOSTS = ('dest_compute', 'dest_host', 'dest_node', 'source_compute',
          'source_node')


def _common(row):
    body = {key: row[key] for key in _HOSTS}
    body.update(id=row['id'], status=row['status'],
                created_at=timestamps.legacy_isotime(row['created_at']),
                updated_at=timestamps.legacy_isotime(row['updated_at']))
    if microversion.at_least('2.59'):
        body['uuid'] = row['uuid']
    if microversion.at_least('2.80'):
        body.update(user_id=row['user_id'], project_id=row['project_id'])
    return body


def migration(row):
    """An item of List Migrations."""
    body = _common(row)
    body.update(instance_uuid=row['instance_uuid'],
                old_instance_type_id=row['old_instance_type_id'],
                new_instance_type_id=row['new_instance_type_id'])
    if microversion.at_least('2.23'):
        body['migration_type'] = row['migration_type']
        if row['migration_type'] == migration_api.LIVE_MIGRATION and \
                row['status'] in migration_api.IN_PROGRESS:
            body['links'] = openstack.resource_links(
                'servers/%s/migrations' % row['instance_uuid'], row['id'])
    return body


def server_migration(row):
    """A live migration of List Migrations / Show Migration Details of a
    server (bytes of memory and disk copied, remaining, in all)."""
    body = _common(row)
    body['server_uuid'] = row['instance_uuid']
    for what in ('memory', 'disk'):
        for part in ('total', 'processed', 'remaining'):
            body['%s_%s_bytes' % (what, part)] = row['%s_%s' % (what, part)]
    return body
