"""``/v2.1/os-availability-zone``: the availability zones (``hosts``
null) and, for admins, ``/detail`` with their hosts and services
(compute API reference, "Availability zones (os-availability-zone)",
microversion 2.1; zones as in
``nova_lite.api.openstack.compute.views.availability_zones``)."""
import flask

from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import availability_zones \
    as views
from nova_lite.api.openstack.compute.views import services as service_views
from nova_lite.db import aggregates as aggregate_db
from nova_lite.db import services as service_db
from nova_lite import policy
from nova_lite.policies import availability_zone as az_policies

bp = flask.Blueprint('availability_zone', __name__,
                     url_prefix='/v2.1/os-availability-zone')
AVAILABILITY_ZONE = az_policies.AVAILABILITY_ZONE


def _zones(context, computes_only):
    services = service_db.service_get_all(
        context, binary=service_views.COMPUTE if computes_only else None)
    return views.zone_services(
        services, aggregate_db.host_zones(context),
        aggregate_db.availability_zones(context),
        openstack.conf().compute.default_availability_zone)


@bp.get('')
def index():
    """200 ``{"availabilityZoneInfo": [{"zoneName", "zoneState",
    "hosts": null}]}`` (zones of compute hosts and aggregates)."""
    context = openstack.context()
    policy.authorize(context, AVAILABILITY_ZONE % 'list')
    return {'availabilityZoneInfo': [
        views.summary(name, services)
        for name, services in _zones(context, True).items()]}


@bp.get('/detail')
def detail():
    """200 ``{"availabilityZoneInfo": [{"zoneName", "zoneState",
    "hosts": {host: {binary: {...}}}}]}``, the internal zone included."""
    context = openstack.context()
    policy.authorize(context, AVAILABILITY_ZONE % 'detail')
    down_time = openstack.conf().service_down_time
    return {'availabilityZoneInfo': [
        views.detail(name, services, down_time)
        for name, services in _zones(context, False).items()]}
