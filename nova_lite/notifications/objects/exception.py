"""ExceptionPayload: an exception as notifications carry it (the
``fault`` of instance.*.error, the payload of compute.exception)."""
import inspect
import traceback

from oslo_versionedobjects import fields

from nova_lite.notifications.objects import base as payload_base
from nova_lite.objects import base


@base.NovaLiteObjectRegistry.register
class ExceptionPayload(payload_base.NotificationPayloadBase):
    """module_name, function_name (where it was raised), exception (class
    name), exception_message, traceback (text, may be empty)."""
    VERSION = '1.0'
    fields = {
        'module_name': fields.StringField(),
        'function_name': fields.StringField(),
        'exception': fields.StringField(),
        'exception_message': fields.StringField(),
        'traceback': fields.StringField(),
    }

    @classmethod
    def from_exception(cls, exc):
        """The payload of ``exc``: where it was raised from its innermost
        traceback frame (unknown without one); an exception raised by
        another service over RPC has its original class name."""
        module_name = function_name = ''
        tb_text = ''
        tb = exc.__traceback__
        if tb is not None:
            while tb.tb_next is not None:
                tb = tb.tb_next
            module = inspect.getmodule(tb.tb_frame)
            module_name = module.__name__ if module else ''
            function_name = tb.tb_frame.f_code.co_name
            tb_text = ''.join(traceback.format_exception(
                type(exc), exc, exc.__traceback__, limit=10))
        message = getattr(exc, 'format_message', None)
        # oslo.messaging names a remote exception's class <name>_Remote.
        name = type(exc).__name__.removesuffix('_Remote')
        return cls(module_name=module_name, function_name=function_name,
                   exception=name,
                   exception_message=message() if message else str(exc),
                   traceback=tb_text)

    @classmethod
    def from_fault(cls, code, message, exception_name='BuildFailed'):
        """The payload of a fault recorded without its exception at hand
        (e.g. a build that failed on a compute, seen by the conductor):
        ``exception`` is ``exception_name``, the code goes nowhere (the
        instance fault keeps it)."""
        return cls(module_name='', function_name='',
                   exception=exception_name, exception_message=message,
                   traceback='')
