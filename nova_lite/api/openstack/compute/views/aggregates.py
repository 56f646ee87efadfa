"""Host aggregate bodies (compute API reference, "Host Aggregates
(os-aggregates)", microversion 2.1): times as ISO 8601 without a zone
(naive UTC, microseconds kept), as the reference examples show; from
microversion 2.41 every aggregate body shows its ``uuid``."""
from nova_lite.api import microversion


def _time(value):
    return value.isoformat() if value else None


def basic(aggregate):
    """The body of Create Aggregate: without ``hosts`` and ``metadata``."""
    body = {
        'availability_zone': aggregate['availability_zone'],
        'created_at': _time(aggregate['created_at']),
        'deleted': aggregate['deleted'],
        'deleted_at': _time(aggregate['deleted_at']),
        'id': aggregate['id'],
        'name': aggregate['name'],
        'updated_at': _time(aggregate['updated_at']),
    }
    if microversion.at_least('2.41'):
        body['uuid'] = aggregate['uuid']
    return body


def detail(aggregate):
    """The body of every other aggregate response (list, show, update,
    actions): ``basic`` plus ``hosts`` (list) and ``metadata`` (dict)."""
    body = basic(aggregate)
    body['hosts'] = list(aggregate['hosts'])
    body['metadata'] = dict(aggregate['metadata'])
    return body
