"""``/v2.1/os-availability-zone``: the availability zones (``hosts``
null) and, for admins, ``/detail`` with their hosts and services
(compute API reference, "Availability zones (os-availability-zone)",
microversion 2.1; zones as in
``nova_lite.api.openstack.compute.views.availability_zones``)."""
import flask

from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import availability_zones \
    as views
from nova_lite.compute import host_api
from nova_lite import policy
from nova_lite.policies import availability_zone as az_policies

bp = flask.Blueprint('availability_zone', __name__,
                     url_prefix='/v2.1/os-availability-zone')
AVAILABILITY_ZONE = az_policies.AVAILABILITY_ZONE


@bp.get('')
def index():
    """200 ``{"availabilityZoneInfo": [{"zoneName", "zoneState",
    "hosts": null}]}`` (zones of compute hosts and aggregates)."""
    context = openstack.context()
    policy.authorize(context, AVAILABILITY_ZONE % 'list')
    return {'availabilityZoneInfo': [
        views.summary(name, services) for name, services in
        host_api.zone_services(context, computes_only=True).items()]}


@bp.get('/detail')
def detail():
    """200 ``{"availabilityZoneInfo": [{"zoneName", "zoneState",
    "hosts": {host: {binary: {...}}}}]}``, the internal zone included."""
    context = openstack.context()
    policy.authorize(context, AVAILABILITY_ZONE % 'detail')
    return {'availabilityZoneInfo': [
        views.detail(name, services)
        for name, services in host_api.zone_services(context).items()]}
