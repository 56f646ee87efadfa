"""The conductor's part of a cold migration (RPC API 1.10,
``conductor.rpcapi_migrate``): a resize to the same flavor on another
host (doc/migrations-servers.md).

The API records the migration (type 'migration', both flavors the
server's) and calls ``migrate_server``; the scheduler chooses and
claims a destination other than the source (the named ``host`` only,
when the admin gave one: microversion 2.56), and the computes then run
the resize steps of ``compute.lifecycle.resize`` unchanged. The call
answers once the destination is claimed, so that "no valid host" is the
API's 400, as in the compute API reference's "Migrate Server".
"""
from oslo_serialization import jsonutils
import oslo_messaging as messaging

from nova_lite.conductor import resize
from nova_lite.db import instances as instance_db
from nova_lite.db import resize as resize_db
from nova_lite import exception


def migrate_spec(instance, flavor, host=None):
    """The RequestSpec of a cold migration of ``instance`` (a row) with
    its ``flavor`` (dict): never the source host (whatever
    ``allow_resize_to_same_host`` says, as Nova's cold migration), only
    ``host`` when given."""
    spec = resize.request_spec(instance, flavor)
    spec.ignore_hosts = [instance.host]
    spec.requested_host = host
    return spec


class MigrateEndpoint:
    """The conductor's cold migration method (mixed into
    ``ConductorManager``; uses its ``_resize_flow``)."""

    @messaging.expected_exceptions(exception.NoValidHost)
    def migrate_server(self, context, instance_uuid, migration_uuid,
                       host=None):
        """Schedule and claim the destination of a cold migration, cast
        its first step (``prep_resize``) there.

        :returns: the destination host, or None when the instance or
            migration is gone or no longer waits for a host
        :raises: NoValidHost (the migration is 'error', the server keeps
            its state with a fault)
        """
        try:
            row = instance_db.instance_get(context, instance_uuid)
            migration = resize_db.migration_get(context, migration_uuid)
        except (exception.InstanceNotFound, exception.MigrationNotFound):
            return None
        spec = migrate_spec(row, jsonutils.loads(migration['new_flavor']),
                            host)
        return self._resize_flow().schedule(context, instance_uuid,
                                            migration_uuid, spec)
