"""The Apache CloudStack command API (``/client/api``) over the nova_lite
engine.

``create_app(conf)`` is a WSGI app of its own, mounted by
``nova_lite.api.wsgi.build_app`` at ``/client`` next to the compute API
and outside its Keystone token pipeline: CloudStack callers authenticate
with signed requests or login sessions (``auth``). Modules:

* ``api``: the endpoint (dispatch, errors, rendering);
* ``registry``, ``params``: the declarative command table;
* ``commands/``: the commands, one module per area;
* ``auth``, ``signing``, ``sessions``, ``keystone``: authentication;
* ``jobs``: async jobs resolved from the engine's state;
* ``views``, ``vm_views``, ``render``: response objects, JSON and XML.

See doc/cloudstack.md.
"""
import flask

PREFIX = '/client'


def create_app(conf, server_api=None):
    """The Flask app serving ``/client/api`` (404 elsewhere under
    ``/client``), sharing the compute API's configuration and its
    ``nova_lite.compute.api.API`` (``server_api``; a new one when
    None)."""
    from nova_lite.api.cloudstack import api
    from nova_lite.api.cloudstack import commands  # noqa: F401
    from nova_lite.api import openstack
    from nova_lite.compute import api as compute_api

    app = flask.Flask('nova_lite.api.cloudstack')
    app.config[openstack.CONF_KEY] = conf
    app.extensions[openstack.COMPUTE_API_KEY] = (server_api
                                                 or compute_api.API())
    app.register_blueprint(api.bp)
    return app
