"""The request context: who asks, for which project, under which request id.

It crosses the bus with every RPC message (see ``nova_lite.rpc``) so the
request id of the API call appears in the logs of every service.
"""
from oslo_context import context as oslo_context
from oslo_db.sqlalchemy import enginefacade


@enginefacade.transaction_context_provider
class RequestContext(oslo_context.RequestContext):
    """Context of one request: user_id, project_id, roles, request_id.

    ``is_admin`` is True when the roles include ``admin``; policy checks
    (``nova_lite.policy``) are still the authority for API operations.
    """

    def __init__(self, user_id=None, project_id=None, is_admin=None,
                 roles=None, read_deleted='no', **kwargs):
        kwargs.setdefault('user_id', user_id)
        kwargs.setdefault('project_id', project_id)
        super().__init__(roles=roles or [], **kwargs)
        self.read_deleted = read_deleted
        if is_admin is None:
            is_admin = 'admin' in [r.lower() for r in self.roles]
        self.is_admin = is_admin

    def to_dict(self):
        values = super().to_dict()
        values['read_deleted'] = self.read_deleted
        values['is_admin'] = self.is_admin
        return values

    @classmethod
    def from_dict(cls, values):
        return cls(user_id=values.get('user_id') or values.get('user'),
                   project_id=(values.get('project_id')
                               or values.get('project_name') and None
                               or values.get('tenant')),
                   is_admin=values.get('is_admin'),
                   roles=values.get('roles'),
                   read_deleted=values.get('read_deleted', 'no'),
                   request_id=values.get('request_id'),
                   global_request_id=values.get('global_request_id'),
                   user_name=values.get('user_name'),
                   project_name=values.get('project_name'),
                   overwrite=False)

    def elevated(self):
        """Return a copy of this context with admin rights."""
        ctx = self.from_dict(self.to_dict())
        ctx.is_admin = True
        if 'admin' not in ctx.roles:
            ctx.roles = list(ctx.roles) + ['admin']
        return ctx


def get_admin_context(request_id=None):
    """Context for a service's own work (periodic tasks, start-up)."""
    kwargs = {'request_id': request_id} if request_id else {}
    return RequestContext(user_id=None, project_id=None, is_admin=True,
                          roles=['admin'], overwrite=False, **kwargs)
