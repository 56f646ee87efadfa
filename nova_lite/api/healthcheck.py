"""``/healthcheck`` of the API: oslo.middleware's Healthcheck with a
database check.

``GET /healthcheck`` answers 200 ``OK`` when every backend is healthy and
503 with the reason otherwise (``HEAD``: 204/503; JSON with
``Accept: application/json``).  It needs no token, so a load balancer
can probe it.  Backends: the ``[healthcheck] backends`` of oslo.middleware
(e.g. ``disable_by_file`` to take an API out of a pool for maintenance)
plus ``DatabaseCheck``, which runs ``SELECT 1``.

The other services have no HTTP endpoint: ``nova-lite-manage service
check --binary B --host H`` tells whether one is up (doc/admin/recovery.md).
"""
from oslo_db import exception as db_exc
from oslo_log import log as logging
from oslo_middleware import healthcheck
from oslo_middleware.healthcheck import pluginbase
import sqlalchemy.exc as sa_exc
from stevedore import extension

from nova_lite.compute import host_api
from nova_lite import context as nl_context

LOG = logging.getLogger(__name__)

#: Where the health check answers.
PATH = '/healthcheck'


class DatabaseCheck(pluginbase.HealthcheckBaseExtension):
    """Healthy when the database answers ``SELECT 1``."""

    def healthcheck(self, server_port):
        """:returns: HealthcheckResult (unavailable with the error's class
        name when the database cannot be reached; the message, which may
        hold an address, goes only to the log)"""
        try:
            host_api.ping_database(nl_context.get_admin_context())
        except (db_exc.DBError, sa_exc.SQLAlchemyError) as exc:
            LOG.warning('Health check: database unreachable: %s', exc)
            return pluginbase.HealthcheckResult(
                available=False, reason='database unreachable',
                details=type(exc).__name__)
        return pluginbase.HealthcheckResult(available=True,
                                            reason='database OK')


class APIHealthcheck(healthcheck.Healthcheck):
    """oslo.middleware's Healthcheck with ``DatabaseCheck`` added to the
    backends it loads from ``[healthcheck] backends``.

    :param application: the WSGI app requests go to when the health check
        ignores them (``[healthcheck] allowed_source_ranges``)
    :param conf: the service's ConfigOpts
    """

    def __init__(self, application, conf):
        super().__init__(application, conf)
        database = DatabaseCheck(self.oslo_conf, self.conf)
        self._backends.extensions.append(extension.Extension(
            'nova_lite_database', None, DatabaseCheck, database))


def mount(application, conf):
    """``{PATH: health check app}`` for ``wsgi.PathDispatcher``."""
    return {PATH: APIHealthcheck(application, conf)}
