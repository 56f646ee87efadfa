"""What a guest learns about itself: the files of the config drive and
the answers of the metadata service, from one description of the guest.

Formats follow Nova's "Metadata" user guide (doc/source/user/metadata.rst)
and its metadata service:

* OpenStack tree, ``openstack/<version>/`` for each of ``OPENSTACK_VERSIONS``
  and ``latest``: ``meta_data.json`` (uuid, name, hostname,
  availability_zone, launch_index, meta, public_keys, keys; random_seed
  from 2013-04-04; project_id from 2015-10-15; devices from 2016-06-30;
  dedicated_cpus from 2020-10-14; admin_pass only where the caller lets
  it), ``user_data`` (raw bytes, absent without user data), ``password``
  (metadata service only, from 2013-04-04), ``vendor_data.json`` (from
  2013-10-17), ``network_data.json`` (from 2015-10-15, the layout of
  Nova's ``netutils.get_network_metadata``), ``vendor_data2.json`` (from
  2016-10-06).
* EC2 tree, ``<version>/`` for each of ``EC2_VERSIONS`` and ``latest``:
  ``meta-data/`` (ami-id, ami-launch-index, hostname, instance-id,
  instance-type, local-hostname, local-ipv4, placement/availability-zone,
  public-keys/0/openssh-key, reservation-id, ...) and ``user-data``; the
  config drive holds it as ``ec2/<version>/meta-data.json`` and
  ``ec2/<version>/user-data``.

The guest (``guest``) is the dict ``nova_lite.metadata.lookup.guest_data``
returns (it crosses RPC to the compute at build): ``uuid``, ``id`` (the
database id, for EC2 ids), ``name``, ``hostname``, ``availability_zone``,
``launch_index``, ``project_id``, ``reservation_id``, ``flavor_name``,
``image_ref``, ``key_name``, ``key_data``, ``metadata`` (dict),
``user_data`` (base64 text or None), ``admin_pass`` (or None),
``config_drive`` (bool), ``networks`` (list of dicts ``address``, ``mac``,
``cidr``, ``gateway``, ``network_uuid``, ``label``, ``tag``: the NIC's
device tag or None) and
``dns_nameservers`` (list). Nothing here logs: the guest's user data,
keys and password are secrets.
"""
import base64
import binascii
import ipaddress
import json
import os
import uuid as uuidlib

FOLSOM = '2012-08-10'
GRIZZLY = '2013-04-04'
HAVANA = '2013-10-17'
LIBERTY = '2015-10-15'
NEWTON_ONE = '2016-06-30'
NEWTON_TWO = '2016-10-06'
OCATA = '2017-02-22'
ROCKY = '2018-08-27'
VICTORIA = '2020-10-14'

#: Dated versions of the OpenStack tree, oldest first ("latest" follows).
OPENSTACK_VERSIONS = (FOLSOM, GRIZZLY, HAVANA, LIBERTY, NEWTON_ONE,
                      NEWTON_TWO, OCATA, ROCKY, VICTORIA)
#: Versions of the EC2 tree (the metadata API of EC2), oldest first.
EC2_VERSIONS = ('1.0', '2007-01-19', '2007-03-01', '2007-08-29',
                '2007-10-10', '2007-12-15', '2008-02-01', '2008-09-01',
                '2009-04-04')
LATEST = 'latest'

MD_JSON = 'meta_data.json'
USER_DATA = 'user_data'
PASSWORD = 'password'
VENDOR_DATA = 'vendor_data.json'
NETWORK_DATA = 'network_data.json'
VENDOR_DATA2 = 'vendor_data2.json'

#: Bytes of ``random_seed`` (base64 in meta_data.json), as Nova.
RANDOM_SEED_BYTES = 512


class NotFound(Exception):
    """No such metadata path (the service answers 404)."""


def _at_least(version, since):
    """Whether an OpenStack tree ``version`` has what ``since`` added."""
    return version == LATEST or version >= since


def user_data_bytes(guest):
    """The guest's user data decoded (bytes), or None when it has none
    (or the stored text is not base64, which the APIs never store)."""
    text = guest.get('user_data')
    if not text:
        return None
    try:
        return base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError):
        return None


def _keys(guest):
    if not guest.get('key_name') or not guest.get('key_data'):
        return {}, []
    name, key = guest['key_name'], guest['key_data']
    return {name: key}, [{'name': name, 'type': 'ssh', 'data': key}]


def meta_data(guest, version=LATEST, with_admin_pass=False):
    """The ``meta_data.json`` dict of an OpenStack tree ``version``.

    ``admin_pass`` is there only ``with_admin_pass`` and when the guest
    has one (Nova writes it to the config drive only).
    """
    public_keys, keys = _keys(guest)
    data = {'uuid': guest['uuid'], 'meta': dict(guest.get('metadata') or {})}
    if public_keys:
        data['public_keys'] = public_keys
        data['keys'] = keys
    data.update(hostname=guest.get('hostname'), name=guest.get('name'),
                launch_index=guest.get('launch_index') or 0,
                availability_zone=guest.get('availability_zone'))
    if with_admin_pass and guest.get('admin_pass'):
        data['admin_pass'] = guest['admin_pass']
    if _at_least(version, GRIZZLY):
        data['random_seed'] = base64.b64encode(
            os.urandom(RANDOM_SEED_BYTES)).decode('ascii')
    if _at_least(version, LIBERTY):
        data['project_id'] = guest.get('project_id')
    if _at_least(version, NEWTON_ONE):
        data['devices'] = devices(guest)
    if _at_least(version, VICTORIA):
        data['dedicated_cpus'] = []
    return data


def devices(guest):
    """The ``devices`` of meta_data.json: one ``{"type": "nic", "bus":
    "pci", "mac", "tags": [tag]}`` per tagged NIC (compute API 2.32 and
    2.42 ``networks[].tag``, 2.49 interface attach), in NIC order, as
    Nova's device metadata; untagged NICs are not listed. The guest's
    PCI ``address`` is not known outside its hypervisor: it is left
    out (the MAC names the NIC). A NIC's other fixed IPs (entries of the
    same MAC) add no device."""
    found, macs = [], set()
    for nic in guest.get('networks') or ():
        if nic.get('tag') and nic['mac'] not in macs:
            macs.add(nic['mac'])
            found.append({'type': 'nic', 'bus': 'pci', 'mac': nic['mac'],
                          'tags': [nic['tag']]})
    return found


def link_id(guest, index):
    """The link id of NIC ``index`` (``tap`` + 11 characters of its
    port id, as Nova names tap devices)."""
    return 'tap' + vif_id(guest, index)[:11]


def vif_id(guest, index):
    """A stable port id of NIC ``index`` (nova_lite has no ports: a
    UUID derived from the instance and the NIC's MAC)."""
    mac = guest['networks'][index]['mac']
    return str(uuidlib.uuid5(uuidlib.UUID(guest['uuid']), mac))


def network_data(guest):
    """The ``network_data.json`` dict: ``links`` (one per NIC, i.e. per
    MAC: id, vif_id, type 'bridge', mtu, ethernet_mac_address),
    ``networks`` (one static IPv4 network per address, a NIC's other
    fixed IPs (``addFixedIp``) on its link too: id ``network<n>``, type
    'ipv4', link, ip_address, netmask, routes (the default route through
    the gateway), network_id, services) and ``services`` (the DNS
    servers), as Nova's ``netutils.get_network_metadata``."""
    dns = [{'type': 'dns', 'address': address}
           for address in guest.get('dns_nameservers') or ()]
    links, networks, by_mac = [], [], {}
    for index, nic in enumerate(guest.get('networks') or ()):
        link = by_mac.get(nic['mac'])
        if link is None:
            link = by_mac[nic['mac']] = link_id(guest, index)
            links.append({'id': link, 'vif_id': vif_id(guest, index),
                          'type': 'bridge', 'mtu': None,
                          'ethernet_mac_address': nic['mac']})
        net = ipaddress.ip_network(nic['cidr'], strict=False)
        routes = []
        if nic.get('gateway'):
            routes.append({'network': '0.0.0.0', 'netmask': '0.0.0.0',
                           'gateway': nic['gateway']})
        networks.append({'id': 'network%d' % index, 'type': 'ipv4',
                         'link': link, 'ip_address': nic['address'],
                         'netmask': str(net.netmask), 'routes': routes,
                         'network_id': nic.get('network_uuid'),
                         'services': list(dns)})
    return {'links': links, 'networks': networks, 'services': dns}


def openstack_files(guest, version=LATEST, with_admin_pass=False,
                    password=False):
    """``{file name: bytes}`` of ``openstack/<version>/``.

    :param password: list ``password`` (the metadata service serves it;
        the config drive has none)
    :raises: NotFound for an unknown version
    """
    if version != LATEST and version not in OPENSTACK_VERSIONS:
        raise NotFound(version)
    files = {MD_JSON: _json(meta_data(guest, version, with_admin_pass))}
    user_data = user_data_bytes(guest)
    if user_data is not None:
        files[USER_DATA] = user_data
    if password and _at_least(version, GRIZZLY):
        files[PASSWORD] = b''
    if _at_least(version, HAVANA):
        files[VENDOR_DATA] = _json({})
    if _at_least(version, LIBERTY):
        files[NETWORK_DATA] = _json(network_data(guest))
    if _at_least(version, NEWTON_TWO):
        files[VENDOR_DATA2] = _json({})
    return files


def ec2_id(prefix, value):
    """An EC2-style id: ``i-%08x`` of a database id, or the first 8 hex
    digits of a UUID (``ami-``: images have UUIDs only)."""
    if isinstance(value, int):
        return '%s-%08x' % (prefix, value)
    return '%s-%s' % (prefix, uuidlib.UUID(value).hex[:8])


def ec2_meta_data(guest):
    """The EC2 ``meta-data`` tree (nested dicts; leaves are text)."""
    nics = guest.get('networks') or ()
    hostname = guest.get('hostname') or ''
    data = {
        'ami-id': ec2_id('ami', guest['image_ref']) if guest.get(
            'image_ref') else '',
        'ami-launch-index': str(guest.get('launch_index') or 0),
        'ami-manifest-path': 'FIXME',
        'block-device-mapping': {'ami': 'vda', 'root': '/dev/vda'},
        'hostname': hostname,
        'instance-action': 'none',
        'instance-id': ec2_id('i', guest.get('id') or 0),
        'instance-type': guest.get('flavor_name') or '',
        'local-hostname': hostname,
        'local-ipv4': nics[0]['address'] if nics else '',
        'placement': {'availability-zone':
                      guest.get('availability_zone') or ''},
        'public-hostname': hostname,
        'public-ipv4': '',
        'reservation-id': guest.get('reservation_id') or '',
        'security-groups': 'default',
    }
    public_keys, _ = _keys(guest)
    if public_keys:
        name = guest['key_name']
        data['public-keys'] = {'0=%s' % name: {
            'openssh-key': public_keys[name]}}
    return data


def config_drive_files(guest):
    """``{path: bytes}`` of the config drive (paths relative to its root,
    '/'-separated): every OpenStack version with admin_pass (as Nova's
    config drive), and ``ec2/<version>/meta-data.json`` (+ ``user-data``)
    for every EC2 version."""
    files = {}
    for version in OPENSTACK_VERSIONS + (LATEST,):
        for name, data in openstack_files(guest, version,
                                          with_admin_pass=True).items():
            files['openstack/%s/%s' % (version, name)] = data
    ec2 = _json(ec2_meta_data(guest))
    user_data = user_data_bytes(guest)
    for version in EC2_VERSIONS + (LATEST,):
        files['ec2/%s/meta-data.json' % version] = ec2
        if user_data is not None:
            files['ec2/%s/user-data' % version] = user_data
    return files


def _json(value):
    return json.dumps(value).encode('utf-8')


# -------------------------------------------------- metadata service paths

def _listing(names):
    return '\n'.join(names).encode('utf-8')


def _ec2_node(node, parts):
    """Walk the EC2 meta-data tree; a dict is listed (``key/`` for
    subtrees, ``0=name`` entries of public-keys reached as ``0``)."""
    for part in parts:
        if not isinstance(node, dict):
            raise NotFound(part)
        match = [k for k in node if k == part or k.split('=', 1)[0] == part]
        if not match:
            raise NotFound(part)
        node = node[match[0]]
    if isinstance(node, dict):
        return _listing(sorted(
            k if not isinstance(v, dict) or '=' in k else k + '/'
            for k, v in node.items()))
    return node.encode('utf-8')


def ec2_lookup(guest, parts):
    """Answer of an EC2 path (list of its segments after the version).

    :raises: NotFound
    """
    if not parts:
        names = ['meta-data/']
        if user_data_bytes(guest) is not None:
            names.append('user-data')
        return _listing(names)
    if parts[0] == 'user-data' and len(parts) == 1:
        data = user_data_bytes(guest)
        if data is None:
            raise NotFound('user-data')
        return data
    if parts[0] != 'meta-data':
        raise NotFound(parts[0])
    return _ec2_node(ec2_meta_data(guest), parts[1:])


def lookup(guest, path, with_admin_pass=False):
    """The metadata service's answer to GET ``path`` (bytes): a listing
    (names, one a line) or a file.

    :raises: NotFound for an unknown path
    """
    parts = [p for p in path.split('/') if p]
    if not parts:
        return _listing(EC2_VERSIONS + (LATEST,))
    if parts[0] == 'openstack':
        if len(parts) == 1:
            return _listing(OPENSTACK_VERSIONS + (LATEST,))
        files = openstack_files(guest, parts[1], with_admin_pass,
                                password=True)
        if len(parts) == 2:
            return _listing(sorted(files))
        if len(parts) == 3 and parts[2] in files:
            return files[parts[2]]
        raise NotFound(path)
    if parts[0] in EC2_VERSIONS or parts[0] == LATEST:
        return ec2_lookup(guest, parts[1:])
    raise NotFound(path)
