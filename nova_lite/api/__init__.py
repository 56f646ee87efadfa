"""The nova_lite HTTP API.

``wsgi.build_app`` assembles the WSGI pipeline (request id, body size
limit, authentication, the Flask app with the compute API under
``/v2.1``); ``server.run_api`` serves it with cheroot's threaded WSGI
server.  Handlers live in ``openstack/compute``, request body schemas in
``schemas``, policy defaults in ``nova_lite.policies``.
"""
