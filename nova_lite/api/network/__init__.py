"""The Networking API v2.0 at ``/network`` (``/network/v2.0/...``, a
subset of Neutron's API: doc/network-api.md) over nova_lite's
networks (the deployment's flat one and the projects'), subnets, ports,
security groups and network quotas, so that
clients with a ``network`` endpoint in their catalog (``openstack
network list``, ``security group create``, Tempest) work without
Neutron.

``create_app(conf)`` is a Flask app of its own behind the compute API's
authentication pipeline (``nova_lite.api.auth``), mounted at PREFIX by
``nova_lite.api.wsgi.build_app`` and registered in the Keystone catalog
as service type ``network`` (devstack/tools/keystone_lab.py). Its
errors are Neutron's faults (``faults``); its bodies are parsed by
``common``. Modules: ``versions`` (version documents, extensions),
``networks``, ``subnets``, ``ports``, ``security_groups``
(groups and rules), ``routers``, ``floating_ips``, ``quotas``,
``common`` (bodies, filters, fields, sorting, pages), ``faults``.
"""
import flask

from nova_lite.api import auth
from nova_lite.api.network import faults
from nova_lite.api import openstack

PREFIX = '/network'


def create_flask_app(conf):
    """The Flask app of the Networking API (without authentication)."""
    from nova_lite.api.network import floating_ips
    from nova_lite.api.network import networks
    from nova_lite.api.network import ports
    from nova_lite.api.network import quotas
    from nova_lite.api.network import routers
    from nova_lite.api.network import security_groups
    from nova_lite.api.network import subnets
    from nova_lite.api.network import versions

    app = flask.Flask('nova_lite.api.network')
    app.config[openstack.CONF_KEY] = conf
    app.json.sort_keys = False
    app.url_map.strict_slashes = False
    for blueprint in (versions.bp, networks.bp, subnets.bp, ports.bp,
                      security_groups.bp, quotas.bp, routers.bp,
                      floating_ips.bp):
        app.register_blueprint(blueprint)
    faults.install(app)
    return app


def create_app(conf):
    """The Networking API behind the compute API's authentication
    pipeline."""
    return auth.pipeline_factory(create_flask_app(conf), conf)
