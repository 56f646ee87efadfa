"""CloudStack API errors: HTTP/error code, ``cserrorcode`` and text.

Format (CloudStack API reference, "Error handling" and the ApiErrorCode /
CSExceptionErrorCode tables of the CloudStack developer guide)::

    {"<command>response": {"uuidList": [], "errorcode": 431,
                           "cserrorcode": 4350, "errortext": "..."}}

``errorcode`` is also the HTTP status: 401 bad credentials, 405 wrong
method, 431 bad parameter, 432 unknown command, 530 internal error,
531 permission denied, 533 insufficient capacity, 534 unavailable,
536 resource in use. One exception: "retry later" (an unreachable
database, an RPC timeout, admission control) is errorcode 534 with HTTP
503 and Retry-After (``Unavailable``), as the compute API answers it, so
that HTTP clients and proxies retry.
"""
from nova_lite import exception

#: errorcode values (CloudStack ApiErrorCode).
UNAUTHORIZED = 401
METHOD_NOT_ALLOWED = 405
PARAM_ERROR = 431
UNSUPPORTED_ACTION_ERROR = 432
INTERNAL_ERROR = 530
ACCOUNT_ERROR = 531
ACCOUNT_RESOURCE_LIMIT_ERROR = 532
INSUFFICIENT_CAPACITY_ERROR = 533
RESOURCE_UNAVAILABLE_ERROR = 534
RESOURCE_IN_USE_ERROR = 536

#: cserrorcode values (CloudStack CSExceptionErrorCode), named after the
#: CloudStack exception they stand for.
CS_CLOUD_RUNTIME = 4250
CS_CLOUD_AUTHENTICATION = 4290
CS_CONCURRENT_OPERATION = 4300
CS_INSUFFICIENT_CAPACITY = 4325
CS_INVALID_PARAMETER_VALUE = 4350
CS_PERMISSION_DENIED = 4365
CS_RESOURCE_ALLOCATION = 4370
CS_RESOURCE_UNAVAILABLE = 4380
CS_SERVER_API = 9999

UNAUTHORIZED_TEXT = ('unable to verify user credentials and/or request '
                     'signature')


class CloudStackError(Exception):
    """An error answered in CloudStack's format.

    :param text: the ``errortext`` (never holds a secret)
    :param code: ``errorcode`` and HTTP status
    :param cs_code: ``cserrorcode``
    :param headers: extra HTTP headers of the answer
    """

    code = INTERNAL_ERROR
    cs_code = CS_SERVER_API
    #: HTTP status when it is not ``code`` (see Unavailable).
    http_status = None

    def __init__(self, text, code=None, cs_code=None, headers=None):
        super().__init__(text)
        self.text = text
        if code is not None:
            self.code = code
        if cs_code is not None:
            self.cs_code = cs_code
        self.headers = headers or {}

    @property
    def status(self):
        """The HTTP status of the answer (``code`` unless overridden)."""
        return self.http_status or self.code

    def body(self):
        """The inner error object."""
        return {'uuidList': [], 'errorcode': self.code,
                'cserrorcode': self.cs_code, 'errortext': self.text}


class Unauthorized(CloudStackError):
    """401: unknown API key, bad signature, expired request or session."""
    code = UNAUTHORIZED
    cs_code = CS_CLOUD_AUTHENTICATION

    def __init__(self, text=UNAUTHORIZED_TEXT, **kwargs):
        super().__init__(text, **kwargs)


class InvalidParameter(CloudStackError):
    """431: a missing, malformed or unknown-entity parameter."""
    code = PARAM_ERROR
    cs_code = CS_INVALID_PARAMETER_VALUE


class UnknownCommand(CloudStackError):
    """432: the command does not exist or the caller may not run it."""
    code = UNSUPPORTED_ACTION_ERROR
    cs_code = CS_SERVER_API

    def __init__(self, command):
        super().__init__('The given command %s does not exist or it is not '
                         'available for the user' % (command or '(none)'))


class MethodNotAllowed(CloudStackError):
    code = METHOD_NOT_ALLOWED
    cs_code = CS_SERVER_API


class PermissionDenied(CloudStackError):
    """531: policy refused the operation."""
    code = ACCOUNT_ERROR
    cs_code = CS_PERMISSION_DENIED


class Unavailable(CloudStackError):
    """Try again later: errorcode 534 (resource unavailable, cserrorcode
    4380 as CloudStack's ResourceUnavailableException) sent with HTTP 503
    and Retry-After, as the compute API's 503 ``serviceUnavailable``
    (``nova_lite.api.wsgi``): the database is unreachable, an RPC call
    timed out, admission control refused a build.

    :param retry_after: seconds of the Retry-After header, or None
    """
    code = RESOURCE_UNAVAILABLE_ERROR
    cs_code = CS_RESOURCE_UNAVAILABLE
    http_status = 503

    def __init__(self, text, retry_after=None):
        super().__init__(text, headers={'Retry-After': str(retry_after)}
                         if retry_after else None)


class DatabaseUnavailable(Unavailable):
    """The database cannot be reached (see Unavailable)."""

    def __init__(self, retry_after):
        super().__init__('The database is unreachable; retry later.',
                         retry_after)


def from_exception(exc):
    """The CloudStackError for a ``NovaLiteException`` raised by the
    engine: 400 → 431, 403 → 531 (quota: 532), 404 → 431 (CloudStack
    reports unknown ids as invalid parameter values), a VM in the wrong
    state or locked → 431, other 409s → 536 in use / concurrent
    operation, 503 → 534 sent as HTTP 503 with the engine's Retry-After
    (``Unavailable``), NoValidHost and errors marked
    ``insufficient_capacity`` (a storage level without room) → 533,
    anything else 530."""
    text = exc.format_message()
    if getattr(exc, 'code', 500) == 503:
        return Unavailable(text, exc.headers.get('Retry-After'))
    if isinstance(exc, exception.QuotaExceeded):
        return CloudStackError(text, ACCOUNT_RESOURCE_LIMIT_ERROR,
                               CS_RESOURCE_ALLOCATION)
    if isinstance(exc, (exception.InstanceInvalidState,
                        exception.InstanceIsLocked)):
        return InvalidParameter(text)
    if isinstance(exc, exception.NoValidHost) or \
            getattr(exc, 'insufficient_capacity', False):
        return CloudStackError(text, INSUFFICIENT_CAPACITY_ERROR,
                               CS_INSUFFICIENT_CAPACITY)
    by_code = {
        400: (PARAM_ERROR, CS_INVALID_PARAMETER_VALUE),
        403: (ACCOUNT_ERROR, CS_PERMISSION_DENIED),
        404: (PARAM_ERROR, CS_INVALID_PARAMETER_VALUE),
        409: (RESOURCE_IN_USE_ERROR, CS_CONCURRENT_OPERATION),
    }
    code, cs_code = by_code.get(getattr(exc, 'code', 500),
                                (INTERNAL_ERROR, CS_CLOUD_RUNTIME))
    return CloudStackError(text, code, cs_code)
