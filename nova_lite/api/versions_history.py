"""The compute API microversion history of nova_lite, one row a version.

Each row is ``Version(version, description, handlers, refused)``:

* ``description``: one line, what the version changes (the compute API
  reference's REST API version history is the source of every rule);
* ``handlers``: the handler modules (``nova_lite.api.openstack.compute``)
  whose requests or responses the version changes;
* ``refused``: empty when nova_lite implements the change; otherwise why
  it cannot apply: the action or resource it changes does not exist in
  nova_lite, and keeps answering its documented "not supported" error
  (an unknown action is a 400, an unknown resource a 404) at every
  version.  Nothing is faked.

The advertised maximum (``MAX``, reported by the version documents and
accepted in ``OpenStack-API-Version``) is the last row: rows are added
only once every change of the version is implemented or honestly
refused, contiguously from 2.1.

``ROUTES`` gives the microversion range of the routes that exist only
from (or until) a version; outside it a route answers 404, as an
unknown URL does.
"""
import collections

Version = collections.namedtuple('Version',
                                 'version description handlers refused')


def _v(version, description, handlers=(), refused=''):
    return Version(version, description, tuple(handlers), refused)


HISTORY = (
    _v('2.1', 'The base compute API v2.1.', ('*',)),
)

#: (method, Flask rule) → (first version, last version or None) of
#: routes that do not exist at every microversion.
ROUTES = {}

MAX = HISTORY[-1].version


def implemented():
    """Rows nova_lite implements."""
    return [row for row in HISTORY if not row.refused]


def refused():
    """Rows whose change cannot apply (see the module docstring)."""
    return [row for row in HISTORY if row.refused]
