"""Admin pages (``/admin``): the hosts with their capacity and servers,
the availability zones and aggregates, and the servers in ERROR with
their faults.

Compute API calls (compute API reference, microversion 2.53 as every
call of ``client.APIClient``):

- ``GET /os-hypervisors/detail?with_servers=true`` ("List Hypervisors
  Details": each node's figures, ``state`` up/down, ``status``
  enabled/disabled, ``service`` and, with ``with_servers``, its
  ``servers`` ``[{name, uuid}]``; paged by ``marker`` from 2.33);
- ``GET /os-availability-zone/detail`` ("Get Detailed Availability Zone
  Information": zones → hosts → services);
- ``GET /os-aggregates`` ("List Aggregates");
- ``GET /servers/detail?all_tenants=1&status=ERROR&limit=200`` ("List
  Servers Detailed" of every project, with ``fault`` {code, message,
  details, created}).

The compute API's default policy allows these to admins only: anyone
else gets its 403, which the app shows as the error page.
"""
import json
import re
import urllib.parse

import flask

bp = flask.Blueprint('admin', __name__, url_prefix='/admin')

# One call gives the figures and the servers of every node: detail with
# ``with_servers`` (2.53). The alternatives cost more per refresh of the
# polled table: ``GET /os-hypervisors/<uuid>?with_servers=true`` is one
# call per node (N + 1), ``GET /servers/detail?all_tenants=1`` grouped
# by ``OS-EXT-SRV-ATTR:host`` a second call (capped at 1000 servers).
# The names it gives are the hypervisor-side instance names.
HYPERVISORS = '/os-hypervisors/detail?with_servers=true'
#: Pages of hypervisors read at most (``[api] max_limit`` each).
MAX_PAGES = 10
ZONES = '/os-availability-zone/detail'
AGGREGATES = '/os-aggregates'
ERRORS = '/servers/detail?all_tenants=1&status=ERROR&limit=200'
#: The start of a NoValidHost fault message (``exception.NoValidHost``).
NO_VALID_HOST = re.compile(r'No valid host( was found)?\.?\s*', re.I)
#: Length at which the compute service cuts a fault message.
FAULT_MESSAGE_CHARS = 255
#: Capacity bars: (used field, capacity field, unit, MiB per unit).
BARS = (('vcpus_used', 'vcpus', 'vCPUs', 1),
        ('memory_mb_used', 'memory_mb', 'GiB RAM', 1024),
        ('local_gb_used', 'local_gb', 'GiB disk', 1))
SUMMED = ('vcpus', 'vcpus_used', 'memory_mb', 'memory_mb_used', 'local_gb',
          'local_gb_used', 'running_vms')


def _api():
    return flask.g.api


# ------------------------------------------------------------- hosts

def _number(value):
    return value if isinstance(value, (int, float)) else 0


def _shown(value, scale):
    if scale == 1:
        return '%g' % value
    return '%.1f' % (value / scale)


def bars(figures, where):
    """The capacity bars of ``figures`` (a hypervisor or a sum): dicts
    with ``value``, ``max``, ``text`` ("3 of 8 vCPUs") and ``label``
    (the text with ``where``, for ``aria-label``)."""
    result = []
    for used_key, total_key, unit, scale in BARS:
        used = _number(figures.get(used_key))
        total = _number(figures.get(total_key))
        text = '%s of %s %s' % (_shown(used, scale), _shown(total, scale),
                                unit)
        result.append({'value': used, 'max': total, 'text': text,
                       'label': '%s: %s used' % (where, text),
                       'over': used > total})
    return result


def _host_row(hypervisor):
    name = hypervisor.get('hypervisor_hostname') or ''
    service = hypervisor.get('service') or {}
    row = {key: _number(hypervisor.get(key)) for key in SUMMED}
    row.update({
        'id': hypervisor.get('id'), 'name': name,
        'service_host': service.get('host') or name,
        'state': hypervisor.get('state'), 'status': hypervisor.get('status'),
        'disabled_reason': service.get('disabled_reason'),
        'bars': bars(hypervisor, name),
        'servers': sorted(hypervisor.get('servers') or [],
                          key=lambda s: (s.get('name') or '', s['uuid'])),
    })
    return row


def _hypervisors():
    """Every hypervisor, following the pages (``hypervisors_links``)."""
    path, found = HYPERVISORS, []
    for _page in range(MAX_PAGES):
        body = _api().compute('GET', path)
        page = body.get('hypervisors') or []
        found.extend(page)
        if not page or not body.get('hypervisors_links'):
            break
        path = HYPERVISORS + '&marker=' + urllib.parse.quote(
            str(page[-1]['id']))
    return found


def host_rows():
    """The hosts as table rows (dicts), by host name."""
    return sorted((_host_row(h) for h in _hypervisors()),
                  key=lambda row: row['name'])


def _summed(name, rows):
    sums = {key: sum(row[key] for row in rows) for key in SUMMED}
    sums.update({'name': name, 'hosts': len(rows),
                 'up': sum(1 for row in rows if row['state'] == 'up'),
                 'bars': bars(sums, 'zone %s' % name)})
    return sums


def zone_capacity(zones, rows):
    """Per availability zone, the sums of its hosts' figures (zones
    without hypervisors left out; hosts in no zone under ``None``)."""
    by_host = {}
    for row in rows:
        by_host.setdefault(row['service_host'], []).append(row)
    result = []
    for zone in sorted(zones, key=lambda z: z.get('zoneName') or ''):
        members = [row for host in sorted(zone.get('hosts') or {})
                   for row in by_host.pop(host, ())]
        if members:
            result.append(_summed(zone.get('zoneName'), members))
    left = [row for members in by_host.values() for row in members]
    if left:
        result.append(_summed(None, left))
    return result


def _zones():
    return _api().compute('GET', ZONES).get('availabilityZoneInfo') or []


@bp.route('/hosts')
def hosts():
    """Every host with its capacity bars, state and servers (the table
    refreshed in place), and the capacity of each zone."""
    rows = host_rows()
    return flask.render_template('admin_hosts.html', rows=rows,
                                 zones=zone_capacity(_zones(), rows))


@bp.route('/hosts/table')
def hosts_table():
    """The host table alone (an htmx fragment, polled every
    ``[dashboard] refresh_seconds``)."""
    return flask.render_template('_admin_hosts_table.html', rows=host_rows())


# ---------------------------------------------------------- topology

def _zone_row(zone):
    hosts = []
    for host, services in sorted((zone.get('hosts') or {}).items()):
        hosts.append({'name': host, 'services': [
            dict(state, binary=binary)
            for binary, state in sorted((services or {}).items())]})
    return {'name': zone.get('zoneName'),
            'available': bool((zone.get('zoneState') or {})
                              .get('available')),
            'hosts': hosts}


def _aggregate_row(aggregate):
    return {'id': aggregate.get('id'), 'name': aggregate.get('name'),
            'zone': aggregate.get('availability_zone'),
            'hosts': sorted(aggregate.get('hosts') or []),
            'metadata': sorted((aggregate.get('metadata') or {}).items())}


@bp.route('/zones')
def topology():
    """The availability zones with their hosts and services, and the
    host aggregates."""
    zones = sorted((_zone_row(z) for z in _zones()),
                   key=lambda z: z['name'] or '')
    aggregates = _api().compute('GET', AGGREGATES).get('aggregates') or []
    return flask.render_template('admin_topology.html', zones=zones,
                                 aggregates=sorted(
                                     (_aggregate_row(a) for a in aggregates),
                                     key=lambda a: a['name'] or ''))


# ---------------------------------------------------------- failures

def _cut(text, separators):
    """``text`` cut at each of ``separators`` (followed by a space or
    the end) found outside parentheses."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == '(':
            depth += 1
        elif char == ')':
            depth = max(depth - 1, 0)
        elif (depth == 0 and char in separators
              and text[index + 1:index + 2] in ('', ' ')):
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def filter_reasons(message):
    """The reasons of a NoValidHost fault message, one per filter
    (``scheduler.report.FilterReport.summary``: "RamFilter rejected 2 of
    3 hosts (...)", joined by "; ") and, before them, the planner's
    sentence (``scheduler.planners.no_room``); [] for another
    message."""
    if not NO_VALID_HOST.search(message or ''):
        return []
    return _cut(NO_VALID_HOST.sub('', message, count=1), ';.')


def host_reasons(details):
    """The per-host rows (``{"host", "filter", "reason"}``) of a
    NoValidHost fault's details (JSON), or None when they are not
    such rows."""
    try:
        rows = json.loads(details or '')
    except ValueError:
        return None
    if not isinstance(rows, list) or not all(
            isinstance(row, dict) and 'host' in row for row in rows):
        return None
    return rows


def _failure_row(server):
    fault = server.get('fault') or {}
    message = fault.get('message') or ''
    details = fault.get('details')
    cut = len(message) >= FAULT_MESSAGE_CHARS
    reasons = filter_reasons(message)
    if cut and reasons:
        reasons[-1] += ' …'
    return {
        'id': server['id'], 'name': server.get('name'),
        'project': server.get('tenant_id'), 'user': server.get('user_id'),
        'host': server.get('OS-EXT-SRV-ATTR:host'),
        'code': fault.get('code'), 'message': message, 'details': details,
        'created': fault.get('created') or server.get('updated') or '',
        'no_valid_host': bool(NO_VALID_HOST.search(message)),
        'reasons': reasons, 'per_host': host_reasons(details), 'cut': cut,
    }


def failure_rows():
    """The servers in ERROR of every project, newest fault first."""
    servers = _api().compute('GET', ERRORS).get('servers') or []
    return sorted((_failure_row(s) for s in servers),
                  key=lambda row: row['created'], reverse=True)


@bp.route('/failures')
def failures():
    """The servers in ERROR with their faults, and the NoValidHost
    faults with the reason of each filter."""
    rows = failure_rows()
    return flask.render_template(
        'admin_failures.html', rows=rows,
        no_valid_host=[row for row in rows if row['no_valid_host']])
