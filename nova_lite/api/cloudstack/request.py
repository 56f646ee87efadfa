"""The request object every command handler receives."""
import dataclasses

from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import registry
from nova_lite.compute import server_groups
from nova_lite import exception
from nova_lite import policy


@dataclasses.dataclass
class Request:
    """One CloudStack call.

    :param command: the ``registry.Command``
    :param params: validated ``{parameter name: typed value}``
    :param context: RequestContext of the caller (None for ``login``)
    :param identity: ``keystone.Identity`` of the caller (None for
        ``login``)
    :param conf: the API's ConfigOpts
    :param compute_api: ``nova_lite.compute.api.API``
    :param cookies: the request's cookies
    :param http_method: 'GET' or 'POST'
    :param set_cookies: ``[(name, value, max_age or None)]`` to send back
    """
    command: registry.Command
    params: dict
    context: object
    identity: object
    conf: object
    compute_api: object
    cookies: dict
    http_method: str = 'GET'
    set_cookies: list = dataclasses.field(default_factory=list)

    def authorize(self, rule, target=None):
        """Check a compute API policy rule for the caller.

        :raises: PermissionDenied (531)
        """
        try:
            policy.authorize(self.context, rule, target)
        except exception.Forbidden as exc:
            raise errors.PermissionDenied(exc.format_message()) from None

    def page(self):
        """``(offset, limit)`` of the ``page``/``pagesize`` parameters;
        limit None for ``pagesize=-1`` or when no page is asked.

        :raises: InvalidParameter (431) for a pagesize of 0 or above
            ``[cloudstack] max_page_size``
        """
        page, size = self.params.get('page'), self.params.get('pagesize')
        if size is None and page is None:
            return 0, None
        if size == -1:
            return 0, None
        size = size or self.conf.cloudstack.default_page_size
        maximum = self.conf.cloudstack.max_page_size
        if not 1 <= size <= maximum:
            raise errors.InvalidParameter(
                'Unable to execute API command %s due to invalid value %d '
                'for parameter pagesize: must be -1 or between 1 and %d'
                % (self.command.name.lower(), size, maximum))
        return ((page or 1) - 1) * size, size

    def groups_of_instances(self, instance_uuids):
        """``{instance uuid: [server group dict]}`` of the caller's
        groups (``nova_lite.compute.server_groups``)."""
        return server_groups.groups_of_instances(self.context,
                                                 instance_uuids)


def listing(items, name, total=None):
    """A list response: ``{"count": n, name: items}``; ``{}`` when there
    is nothing, as CloudStack answers."""
    if not items and not total:
        return {}
    return {'count': len(items) if total is None else total, name: items}


def paginate(request, items):
    """``(page of items, total)`` of an in-memory list."""
    offset, limit = request.page()
    page = items[offset:] if limit is None else items[offset:offset + limit]
    return page, len(items)
