"""The declarative command table of the CloudStack API.

Every command is declared once with ``@command(...)`` next to its handler,
mirroring CloudStack's ``@APICommand(name, description, responseObject,
since, authorized)`` annotation: the table gives its parameters
(``params.Parameter``), whether it is asynchronous (returns a ``jobid``
and is polled with ``queryAsyncJobResult``), the role it needs and the
name of its response object. ``listApis`` is rendered from this table.

Roles are Keystone roles checked through the policy personas of
``nova_lite.policies.base`` so CloudStack calls obey the same rules as the
compute API: ``READER`` (project reader or member, or admin), ``MEMBER``
(project member or admin), ``ADMIN`` (``context_is_admin``), and
``ANONYMOUS`` (no credentials: ``login`` only).
"""
import dataclasses

from nova_lite.api.cloudstack import params as params_mod

ANONYMOUS = 'anonymous'
READER = 'reader'
MEMBER = 'member'
ADMIN = 'admin'

ROLE_RULES = {
    READER: 'project_reader_or_admin',
    MEMBER: 'project_member_or_admin',
    ADMIN: 'context_is_admin',
}

#: Parameters every list command accepts (CloudStack BaseListCmd).
PAGE_PARAMS = (
    params_mod.Parameter('keyword', description='List by keyword'),
    params_mod.Parameter('page', params_mod.INTEGER, minimum=1,
                         description='Page number, from 1'),
    params_mod.Parameter('pagesize', params_mod.INTEGER, minimum=-1,
                         description='Items per page; -1 for all'),
)

COMMANDS = {}


@dataclasses.dataclass(frozen=True)
class Command:
    """One API command.

    :param name: command name as in the API reference (camelCase)
    :param handler: ``handler(request) -> dict`` (see ``api.Request``)
    :param params: tuple of ``params.Parameter``
    :param is_async: answers ``{"jobid": ...}`` and runs as a job
    :param role: ANONYMOUS, READER, MEMBER or ADMIN
    :param response_object: name of the object in the response (e.g.
        ``virtualmachine``) for ``listApis``
    """
    name: str
    handler: object
    params: tuple
    description: str
    is_async: bool = False
    role: str = READER
    response_object: str = ''
    since: str = '4.0.0'

    @property
    def response_name(self):
        """``<command lower-cased>response``, the top-level key."""
        return self.name.lower() + 'response'

    def describe(self):
        """The ``api`` entry of ``listApis``."""
        return {'name': self.name, 'description': self.description,
                'isasync': self.is_async, 'since': self.since,
                'related': '', 'type': self.role,
                'params': [p.describe() for p in self.params],
                'response': [], 'responseobject': self.response_object}


def command(name, params=(), description='', is_async=False, role=READER,
            response_object='', listing=False, since='4.0.0'):
    """Decorator declaring ``name`` with its handler; ``listing`` adds
    the page parameters (keyword, page, pagesize).

    :raises: ValueError when ``name`` is declared twice
    """
    def register(handler):
        if name.lower() in COMMANDS:
            raise ValueError('command %s declared twice' % name)
        declared = tuple(params) + (PAGE_PARAMS if listing else ())
        COMMANDS[name.lower()] = Command(
            name=name, handler=handler, params=declared,
            description=description or (handler.__doc__ or '').split(
                '\n')[0], is_async=is_async, role=role,
            response_object=response_object, since=since)
        return handler
    return register


def lookup(name):
    """The Command called ``name`` (case-insensitive), or None."""
    return COMMANDS.get((name or '').lower())
