"""Admin activity (``/admin/activity``): boots per minute over the last
hour and how long they took to build, drawn as inline SVG.

One compute API call (compute API reference, "List Servers Detailed",
microversion 2.53 as every call of ``client.APIClient``), paged:

- ``GET /servers/detail?all_tenants=1&changes-since=<now - 60 min,
  ISO 8601 UTC>&limit=1000``, then ``&marker=<id>`` while the answer
  has a ``servers_links`` ``rel=next`` (``MAX_PAGES`` pages at most).
  With ``changes-since`` deleted servers are listed too (``status``
  DELETED). Each server gives ``created`` (ISO 8601, ``Z``),
  ``OS-SRV-USG:launched_at`` (ISO 8601 without a zone, UTC; null until
  the guest first went ACTIVE), ``status`` and, in ERROR, ``fault``.

A boot is a server created within the window (the last ``WINDOW_MINUTES``
minutes); a deleted (or soft-deleted) one counts only if it had
launched. Its outcome is *launched* (``launched_at`` set), *failed*
(ERROR, never launched) or *building* (neither yet). Its build time is
``launched_at - created`` in seconds. The dashboard reads no metrics
endpoint and no database: the compute API's default policy allows
``all_tenants`` to admins only, so anyone else gets its 403, shown as
the error page.

The figures are computed by the pure functions below (``boots``,
``bucket_boots``, ``durations``, ``duration_buckets``, ``percentile``)
and laid out by ``boot_chart`` and ``duration_chart`` (SVG coordinates,
no inline style: the page's CSP has ``style-src 'self'``).
"""
import collections
import datetime
import math
import urllib.parse

import flask

bp = flask.Blueprint('activity', __name__, url_prefix='/admin/activity')

#: Minutes of history shown.
WINDOW_MINUTES = 60
#: Minutes per bucket of the build-time chart.
DURATION_BUCKET_MINUTES = 5
#: Seconds between two refreshes of the figures (htmx polling).
REFRESH_SECONDS = 30
#: Servers per page asked for, and pages read at most.
PAGE_LIMIT = 1000
MAX_PAGES = 10
#: Failed boots listed under the figures, newest first.
FAILED_SHOWN = 10
#: Characters of a fault message shown in that list.
FAULT_CHARS = 160
OUTCOMES = ('launched', 'failed', 'building')
#: Statuses of servers deleted: not a boot unless they had launched.
GONE = ('DELETED', 'SOFT_DELETED')
#: Fill colours of the outcomes and of the percentiles (SVG ``fill``).
COLOURS = {'launched': '#2e7d32', 'failed': '#c62828',
           'building': '#9e9e9e', 'p50': '#64b5f6', 'p95': '#1565c0'}
#: Geometry of both charts (SVG user units): the plot area starts at
#: ``LEFT``/``TOP`` and is ``PLOT_WIDTH`` x ``PLOT_HEIGHT``.
LEFT, TOP, PLOT_WIDTH, PLOT_HEIGHT = 48, 12, 600, 160
WIDTH, HEIGHT = LEFT + PLOT_WIDTH + 12, TOP + PLOT_HEIGHT + 44

#: One boot: the server's ``id`` and ``name``, ``ago`` (seconds before
#: now it was created, 0 for a creation after now), ``outcome`` (one of
#: ``OUTCOMES``), ``duration`` (build seconds, None unless launched) and
#: ``fault`` (its fault message, '' without one).
Boot = collections.namedtuple('Boot', 'id name ago outcome duration fault')


def _utcnow():
    """Now as a naive UTC datetime (tests patch this)."""
    return datetime.datetime.now(datetime.timezone.utc).replace(
        tzinfo=None)


def _api():
    return flask.g.api


# ------------------------------------------------------------ figures

def parse_time(value):
    """A naive UTC datetime of an API time (``2024-05-01T10:00:00Z``,
    ``2024-05-01T10:00:12.500000``, with or without an offset), or None
    for null or a value that is no time."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(('Z', 'z')):
        text = text[:-1] + '+00:00'
    try:
        when = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return when


def _naive(now):
    if now.tzinfo is not None:
        return now.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return now


def outcome(server):
    """``launched``, ``failed`` or ``building`` for a server body; None
    for a (soft-)deleted server that never launched (not counted)."""
    if parse_time(server.get('OS-SRV-USG:launched_at')) is not None:
        return 'launched'
    status = server.get('status')
    if status in GONE:
        return None
    return 'failed' if status == 'ERROR' else 'building'


def boots(servers, now, minutes=WINDOW_MINUTES):
    """The boots (``Boot``) among ``servers`` (server bodies of List
    Servers Detailed): those created in the ``minutes`` minutes up to
    ``now`` (a naive UTC datetime; a creation after ``now``, clock skew,
    counts as now), newest first.

    ``duration`` is ``launched_at - created`` in seconds (0 if negative).
    """
    now = _naive(now)
    start = now - datetime.timedelta(minutes=minutes)
    found = []
    for server in servers:
        created = parse_time(server.get('created'))
        result = outcome(server)
        if created is None or result is None or created <= start:
            continue
        duration = None
        if result == 'launched':
            launched = parse_time(server.get('OS-SRV-USG:launched_at'))
            duration = max((launched - created).total_seconds(), 0.0)
        found.append(Boot(
            server.get('id'), server.get('name') or '',
            max((now - created).total_seconds(), 0.0), result, duration,
            (server.get('fault') or {}).get('message') or ''))
    return sorted(found, key=lambda boot: boot.ago)


def bucket_boots(servers, now, minutes=WINDOW_MINUTES):
    """Boots per minute: ``minutes`` dicts, index = minutes ago (0: the
    last 60 seconds up to ``now``), each ``{"ago", "launched", "failed",
    "building", "total"}``."""
    buckets = [dict({name: 0 for name in OUTCOMES}, ago=index, total=0)
               for index in range(minutes)]
    for boot in boots(servers, now, minutes):
        bucket = buckets[min(int(boot.ago // 60), minutes - 1)]
        bucket[boot.outcome] += 1
        bucket['total'] += 1
    return buckets


def durations(servers):
    """Build times in seconds (``launched_at - created``) of the
    launched servers among ``servers``, in their order."""
    found = []
    for server in servers:
        created = parse_time(server.get('created'))
        launched = parse_time(server.get('OS-SRV-USG:launched_at'))
        if created is not None and launched is not None:
            found.append(max((launched - created).total_seconds(), 0.0))
    return found


def percentile(values, pct):
    """The ``pct`` percentile (0-100) of ``values`` by nearest rank (the
    smallest value with at least ``pct`` % of the values at or below
    it); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(pct / 100.0 * len(ordered)), 1)
    return ordered[min(rank, len(ordered)) - 1]


def stats(values):
    """``{"count", "p50", "p95", "max"}`` of build times (seconds;
    None without values)."""
    return {'count': len(values), 'p50': percentile(values, 50),
            'p95': percentile(values, 95),
            'max': max(values) if values else None}


def duration_buckets(servers, now, minutes=WINDOW_MINUTES,
                     width=DURATION_BUCKET_MINUTES):
    """Build times per ``width``-minute bucket of creation time: dicts
    ``{"ago"}`` (the bucket's newest minute ago: 0, 5, ...) plus
    ``stats`` of the boots launched in it, newest bucket first."""
    per_bucket = [[] for _index in range(math.ceil(minutes / width))]
    for boot in boots(servers, now, minutes):
        if boot.duration is not None:
            index = min(int(boot.ago // (60 * width)), len(per_bucket) - 1)
            per_bucket[index].append(boot.duration)
    return [dict(stats(values), ago=index * width)
            for index, values in enumerate(per_bucket)]


# ------------------------------------------------------------- texts

def seconds_text(value):
    """Seconds to a tenth, without a trailing ``.0``: ``7.5 s``,
    ``42 s``; an em dash for None."""
    if value is None:
        return '—'
    return '%s s' % ('%.1f' % value).rstrip('0').rstrip('.')


def _plural(count, word):
    return '%d %s%s' % (count, word, '' if count == 1 else 's')


def boots_label(buckets):
    """The summary of the boots chart: ``42 boots in the last 60
    minutes, 3 failed`` (and how many still build, if any)."""
    total = sum(b['total'] for b in buckets)
    failed = sum(b['failed'] for b in buckets)
    building = sum(b['building'] for b in buckets)
    text = '%s in the last %d minutes, %d failed' % (
        _plural(total, 'boot'), len(buckets), failed)
    if building:
        text += ', %d still building' % building
    return text


def durations_label(overall, minutes=WINDOW_MINUTES):
    """The summary of the build-time chart: ``Build time of 39 boots
    launched in the last 60 minutes: p50 12 s, p95 31 s, max 45 s``."""
    if not overall['count']:
        return 'No boot of the last %d minutes has launched yet' % minutes
    return ('Build time of %s launched in the last %d minutes: p50 %s, '
            'p95 %s, max %s' % (
                _plural(overall['count'], 'boot'), minutes,
                seconds_text(overall['p50']), seconds_text(overall['p95']),
                seconds_text(overall['max'])))


def _bar_title(bucket):
    ago = ('%d–%d minutes ago' % (bucket['ago'], bucket['ago'] + 1))
    if not bucket['total']:
        return '%s: no boot' % ago
    parts = ['%d %s' % (bucket[name], name) for name in OUTCOMES
             if bucket[name]]
    return '%s: %s (%s)' % (ago, _plural(bucket['total'], 'boot'),
                            ', '.join(parts))


# ------------------------------------------------------------ layout

def nice_scale(top):
    """``(maximum, step)`` of a value axis reaching ``top``: a step of
    1, 2 or 5 times a power of ten giving at most 5 intervals (at least
    1 x 1 for an empty chart)."""
    if not top or top <= 0:
        return 1, 1
    raw = top / 5.0
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if step < 1 and top >= 1:
        step = 1
    return step * math.ceil(top / step - 1e-9), step


def _y(value, maximum):
    return TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / maximum


def _y_ticks(maximum, step, text):
    ticks, value = [], 0.0
    while value <= maximum + 1e-9:
        ticks.append({'y': round(_y(value, maximum), 1),
                      'text': text(value)})
        value += step
    return ticks


def _x_ticks(minutes, every):
    """Labels of the minutes-ago axis, oldest (left) to now (right)."""
    return [{'x': round(LEFT + PLOT_WIDTH * (minutes - ago) / minutes, 1),
             'text': str(ago)}
            for ago in range(minutes, -1, -every)]


def boot_chart(buckets):
    """SVG layout of the boots per minute: ``bars`` (one per minute,
    oldest left, each with a full-height ``hit`` rectangle, its
    ``segments`` stacked launched/failed/building and its ``title``),
    ``y_ticks``, ``x_ticks`` and the geometry."""
    minutes = len(buckets)
    slot = PLOT_WIDTH / minutes
    maximum, step = nice_scale(max(b['total'] for b in buckets))
    bars = []
    for bucket in buckets:
        x = LEFT + slot * (minutes - 1 - bucket['ago'])
        segments, base = [], 0
        for name in OUTCOMES:
            if bucket[name]:
                top = _y(base + bucket[name], maximum)
                segments.append({
                    'outcome': name, 'count': bucket[name],
                    'fill': COLOURS[name], 'y': round(top, 1),
                    'height': round(_y(base, maximum) - top, 1)})
                base += bucket[name]
        bars.append(dict(bucket, x=round(x, 1), slot=round(slot, 1),
                         bar_x=round(x + slot * 0.1, 1),
                         bar_width=round(slot * 0.8, 1),
                         segments=segments, title=_bar_title(bucket)))
    return {'bars': bars, 'maximum': maximum,
            'y_ticks': _y_ticks(maximum, step, lambda v: '%g' % v),
            'x_ticks': _x_ticks(minutes, 10), **_geometry()}


def duration_chart(buckets, minutes=WINDOW_MINUTES):
    """SVG layout of the build times: per bucket (oldest left) a p50 and
    a p95 bar side by side with a ``title``; ``y_ticks`` in seconds."""
    count = len(buckets)
    slot = PLOT_WIDTH / count
    width = minutes / count
    maximum, step = nice_scale(max((b['p95'] or 0) for b in buckets))
    groups = []
    for bucket in buckets:
        x = LEFT + slot * (count - 1 - bucket['ago'] / width)
        ago = '%g–%g minutes ago' % (bucket['ago'], bucket['ago'] + width)
        if bucket['count']:
            title = '%s: %s launched, p50 %s, p95 %s, max %s' % (
                ago, _plural(bucket['count'], 'boot'),
                seconds_text(bucket['p50']), seconds_text(bucket['p95']),
                seconds_text(bucket['max']))
        else:
            title = '%s: no boot launched' % ago
        bars = []
        for offset, key in ((0.15, 'p50'), (0.5, 'p95')):
            if bucket[key] is not None:
                top = _y(bucket[key], maximum)
                bars.append({'key': key, 'fill': COLOURS[key],
                             'x': round(x + slot * offset, 1),
                             'width': round(slot * 0.35, 1),
                             'y': round(top, 1),
                             'height': round(TOP + PLOT_HEIGHT - top, 1)})
        groups.append(dict(bucket, x=round(x, 1), slot=round(slot, 1),
                           bars=bars, title=title))
    return {'groups': groups, 'maximum': maximum,
            'y_ticks': _y_ticks(maximum, step, seconds_text),
            'x_ticks': _x_ticks(minutes, 10), **_geometry()}


def _geometry():
    return {'width': WIDTH, 'height': HEIGHT, 'left': LEFT, 'top': TOP,
            'plot_width': PLOT_WIDTH, 'plot_height': PLOT_HEIGHT,
            'bottom': TOP + PLOT_HEIGHT, 'right': LEFT + PLOT_WIDTH}


# -------------------------------------------------------------- view

def changes_since(now, minutes=WINDOW_MINUTES):
    """The ``changes-since`` value of the window: ISO 8601 UTC to the
    second (``2024-05-01T09:00:00Z``)."""
    start = _naive(now) - datetime.timedelta(minutes=minutes)
    return start.strftime('%Y-%m-%dT%H:%M:%SZ')


def list_path(now):
    """The first page's path: ``/servers/detail?all_tenants=1&
    changes-since=...&limit=1000``."""
    return '/servers/detail?all_tenants=1&changes-since=%s&limit=%d' % (
        changes_since(now), PAGE_LIMIT)


def _next_marker(body, page):
    """The marker of the ``rel=next`` link of a page, else None."""
    for link in body.get('servers_links') or ():
        if link.get('rel') == 'next':
            query = urllib.parse.urlsplit(link.get('href') or '').query
            markers = urllib.parse.parse_qs(query).get('marker')
            return markers[-1] if markers else page[-1].get('id')
    return None


def changed_servers(now):
    """The servers of every project changed in the window (List Servers
    Detailed with ``changes-since``, deleted ones included), following
    ``servers_links`` for ``MAX_PAGES`` pages; and True when more pages
    were left unread."""
    first = list_path(now)
    path, found = first, []
    for _page in range(MAX_PAGES):
        body = _api().compute('GET', path) or {}
        page = body.get('servers') or []
        found.extend(page)
        marker = _next_marker(body, page) if page else None
        if marker is None:
            return found, False
        path = first + '&marker=' + urllib.parse.quote(str(marker))
    return found, True


def _failed_rows(window):
    rows = []
    for boot in window:
        if boot.outcome == 'failed' and len(rows) < FAILED_SHOWN:
            fault = ' '.join(boot.fault.split())
            if len(fault) > FAULT_CHARS:
                fault = fault[:FAULT_CHARS - 1] + '…'
            rows.append({'id': boot.id, 'name': boot.name or boot.id,
                         'minutes_ago': int(boot.ago // 60),
                         'fault': fault})
    return rows


def collect(now=None):
    """Everything the templates show, from one paged API listing (at
    ``now``, a naive UTC datetime; default ``_utcnow()``)."""
    now = _naive(now or _utcnow())
    servers, truncated = changed_servers(now)
    per_minute = bucket_boots(servers, now)
    window = boots(servers, now)
    overall = stats([boot.duration for boot in window
                     if boot.duration is not None])
    per_bucket = duration_buckets(servers, now)
    totals = {name: sum(b[name] for b in per_minute)
              for name in OUTCOMES + ('total',)}
    return {
        'now': now.strftime('%Y-%m-%d %H:%M:%S UTC'),
        'minutes': WINDOW_MINUTES, 'bucket_minutes': DURATION_BUCKET_MINUTES,
        'refresh': REFRESH_SECONDS, 'truncated': truncated,
        'read': len(servers), 'totals': totals, 'per_minute': per_minute,
        'per_bucket': per_bucket, 'overall': overall,
        'boots_label': boots_label(per_minute),
        'durations_label': durations_label(overall),
        'boot_chart': boot_chart(per_minute),
        'duration_chart': duration_chart(per_bucket),
        'failed': _failed_rows(window), 'colours': COLOURS,
        'seconds_text': seconds_text,
    }


@bp.route('')
def index():
    """The activity page: the figures (refreshed in place every
    ``REFRESH_SECONDS`` seconds) and their numbers as tables."""
    return flask.render_template('admin_activity.html', **collect())


@bp.route('/figures')
def figures():
    """The figures alone (an htmx fragment polled every
    ``REFRESH_SECONDS`` seconds), with the tables swapped out of band
    so that an open ``<details>`` stays open."""
    return flask.render_template('_admin_activity_figures.html', oob=True,
                                 **collect())
