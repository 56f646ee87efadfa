"""The web dashboard (``nova-lite-dashboard``): pages for users and
operators over nova_lite's public APIs (doc/dashboard.md).

Layers: ``keystone`` signs users in and out (Identity API v3),
``sessions`` keeps signed-in sessions in the database (the token
encrypted), ``client`` calls the compute, image and block storage APIs
with the user's token, ``views`` render pages and fragments, ``app``
builds the Flask application (authentication, CSRF, security headers).
"""
