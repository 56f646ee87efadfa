"""Quotas (``/quotas``): what the project uses of each limit, as bars.

Calls the compute API with the user's token: ``GET /limits`` (compute
API reference, "Limits (limits)": ``absolute`` limits such as
``maxTotalInstances`` with their usage such as ``totalInstancesUsed``)
and ``GET /os-keypairs`` (the key pair quota is the user's and
``/limits`` gives no usage of it); and, when the catalog has block
storage, its ``GET /limits`` (``maxTotalVolumes``,
``maxTotalVolumeGigabytes`` and their usage), left out quietly when
that API fails. A limit of -1 is no limit (text, no bar).
"""
import flask

from nova_lite.dashboard import client

bp = flask.Blueprint('overview', __name__, url_prefix='/quotas')

#: Compute bars: (id, label, usage key, limit key, unit).
COMPUTE_BARS = (
    ('instances', 'Instances', 'totalInstancesUsed', 'maxTotalInstances',
     None),
    ('cores', 'vCPUs', 'totalCoresUsed', 'maxTotalCores', None),
    ('ram', 'RAM', 'totalRAMUsed', 'maxTotalRAMSize', 'MiB'),
    ('server-groups', 'Server groups', 'totalServerGroupsUsed',
     'maxServerGroups', None),
    ('keypairs', 'Key pairs', 'keypairsUsed', 'maxTotalKeypairs', None),
)
#: Block storage bars, as ``COMPUTE_BARS``.
VOLUME_BARS = (
    ('volumes', 'Volumes', 'totalVolumesUsed', 'maxTotalVolumes', None),
    ('gigabytes', 'Volume storage', 'totalGigabytesUsed',
     'maxTotalVolumeGigabytes', 'GiB'),
)


def _amount(value, unit):
    """``value`` in words: RAM in MiB, or GiB from 1 GiB on."""
    if unit == 'MiB' and value >= 1024:
        return '%s GiB' % ('%.1f' % (value / 1024)).removesuffix('.0')
    return '%s %s' % (value, unit) if unit else str(value)


def _bar(bar_id, label, used, limit, unit):
    """One bar: ``text`` ("Instances: 3 of 10"), and ``value``/``max``
    of its progress element (None when unlimited or a zero limit)."""
    bar = {'id': bar_id, 'label': label, 'value': None, 'max': None,
           'unlimited': limit < 0, 'full': False}
    if limit < 0:
        shown = _amount(used, unit) if used is not None else 'any number'
        bar['text'] = '%s: %s (no limit)' % (label, shown)
    elif used is None:
        bar['text'] = '%s: up to %s' % (label, _amount(limit, unit))
    else:
        bar['text'] = '%s: %s of %s' % (label, _amount(used, unit),
                                        _amount(limit, unit))
        if limit > 0:
            bar.update(value=min(used, limit), max=limit,
                       full=used >= limit)
    return bar


def bars(absolute, specs):
    """The bars of ``specs`` whose limit ``absolute`` has."""
    return [_bar(bar_id, label, absolute.get(used_key), absolute[limit_key],
                 unit)
            for bar_id, label, used_key, limit_key, unit in specs
            if isinstance(absolute.get(limit_key), int)]


def _keypairs_used():
    try:
        return len(flask.g.api.compute('GET', '/os-keypairs')['keypairs'])
    except (client.APIError, KeyError, TypeError):
        return None


def compute_bars():
    """The compute quota bars (``GET /limits``)."""
    absolute = dict(flask.g.api.compute('GET', '/limits')['limits'][
        'absolute'])
    if 'maxTotalKeypairs' in absolute:
        absolute['keypairsUsed'] = _keypairs_used()
    return bars(absolute, COMPUTE_BARS)


def volume_bars():
    """The block storage quota bars; [] without the service or when its
    API fails."""
    if not flask.g.api.has('volume'):
        return []
    try:
        body = flask.g.api.request('GET', 'volume', '/limits')
        return bars(body['limits']['absolute'], VOLUME_BARS)
    except (client.APIError, KeyError, TypeError):
        return []


@bp.route('')
def index():
    """The quota bars of the project."""
    return flask.render_template('overview.html', compute=compute_bars(),
                                 volume=volume_bars())
