"""Helpers shared by the compute, conductor and API (no database access:
the compute imports them)."""
import datetime
import json
import traceback as tb_module

from oslo_utils import timeutils


def utcnow():
    """Naive UTC now, as the database stores times (oslo.utils' clock, which
    tests can fix with ``timeutils.set_time_override``)."""
    return timeutils.utcnow()


def fault_code(exc):
    """HTTP-like code of a fault: the exception's, else 500."""
    return getattr(exc, 'code', 500) or 500


def details_text(details):
    """Text of an event's or fault's details: a str as is, anything else
    as JSON, None stays None."""
    if details is None or isinstance(details, str):
        return details
    return json.dumps(details)


def isotime(value):
    """ISO 8601 text of a naive UTC datetime (None stays None), for RPC
    arguments; ``parse_isotime`` reads it back."""
    return None if value is None else value.isoformat()


def parse_isotime(text):
    """The naive UTC datetime of ``isotime``'s text (None stays None)."""
    return None if text is None else datetime.datetime.fromisoformat(text)


def format_traceback():
    return ''.join(tb_module.format_exc(limit=10))
