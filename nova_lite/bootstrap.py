"""Default cloud content: flavors, the flat network, a first image.

Used by ``nova-lite-manage bootstrap``, ``nova-lite-all`` and the lab; every
function is idempotent.
"""
import io

from nova_lite.db import flavors as flavor_db
from nova_lite.db import images as image_db
from nova_lite import exception
from nova_lite.image import api as image_api
from nova_lite.network import api as network_api

# (flavorid, name, vcpus, memory MiB, root disk GiB), devstack's defaults
# plus Tempest's nano/micro.
DEFAULT_FLAVORS = (
    ('1', 'm1.tiny', 1, 512, 1),
    ('2', 'm1.small', 1, 2048, 20),
    ('3', 'm1.medium', 2, 4096, 40),
    ('4', 'm1.large', 4, 8192, 80),
    ('42', 'm1.nano', 1, 128, 1),
    ('84', 'm1.micro', 1, 192, 1),
)


def ensure_flavors(context):
    """Create the default flavors that are missing; returns their names."""
    created = []
    for flavorid, name, vcpus, memory_mb, root_gb in DEFAULT_FLAVORS:
        try:
            flavor_db.flavor_get_by_flavorid(context, flavorid)
        except exception.FlavorNotFound:
            try:
                flavor_db.flavor_create(context, {
                    'flavorid': flavorid, 'name': name, 'vcpus': vcpus,
                    'memory_mb': memory_mb, 'root_gb': root_gb})
                created.append(name)
            except exception.FlavorExists:
                pass
    return created


def ensure_network(context):
    """The flat network from ``[network]``; returns its dict."""
    return network_api.get_default_network(context)


def ensure_image(context, name, path=None, disk_format='raw',
                 properties=None, image_uuid=None):
    """An active public image called ``name``; with ``path`` its data is
    uploaded from that file, else it is a 1 MiB blank raw disk (enough
    for the fake driver). Returns the image dict."""
    images = image_api.API()
    existing = [i for i in image_db.image_get_all(context, name=name)
                if i['status'] == 'active']
    if existing:
        return existing[0]
    record = images.create(context, name, disk_format=disk_format,
                           container_format='bare', visibility='public',
                           properties=properties, image_uuid=image_uuid)
    if path:
        with open(path, 'rb') as stream:
            return images.upload(context, record['uuid'], stream)
    return images.upload(context, record['uuid'],
                         io.BytesIO(b'\0' * 1024 * 1024))


def ensure_external_network(context, name, cidr, pool=None,
                            route_flat=False):
    """The external network ``name`` (``router:external``, shared by no
    project) with one subnet of ``cidr`` (gateway: its first host
    address; ``pool`` ``(start, end)`` its allocation pool, the host
    addresses but the gateway by default): where floating IPs come
    from (doc/networking.md). With ``route_flat`` the flat network's
    subnet gets a router to it (``_route_flat``). Returns the network
    dict (one found by name is kept as it is)."""
    from nova_lite.network import networks as network_service

    for network in network_service.list_networks(context):
        if network['label'] == name and network['router_external']:
            break
    else:
        network = network_service.create_network(context, '', {
            'name': name, 'router:external': True})
        body = {'cidr': cidr, 'ip_version': 4, 'name': name + '-subnet'}
        if pool:
            body['allocation_pools'] = [{'start': pool[0], 'end': pool[1]}]
        network_service.create_subnet(context, network, '', body)
    if route_flat:
        _route_flat(context, network)
    return network_service.get_network(context, network['uuid'])


def _route_flat(context, network):
    """The deployment's router ``<network>-router`` (of no project) from
    the flat network's subnet to ``network``: the guest namespace of each
    compute routes the flat network too, so its servers may have
    floating IPs."""
    from nova_lite.network import networks as network_service
    from nova_lite.network import routers as router_api

    name = '%s-router' % network['label']
    if any(r['name'] == name for r in router_api.list_routers(context)):
        return
    flat = network_api.get_default_network(context)
    subnet = [s for s in network_service.list_subnets(context)
              if s['network_id'] == flat['id']][0]
    router = router_api.create_router(context, '', {
        'name': name, 'external_gateway_info': {
            'network_id': network['uuid']}})
    router_api.add_interface(context, router, {'subnet_id': subnet['uuid']})
