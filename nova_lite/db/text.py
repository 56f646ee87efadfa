"""Text that fits its column: ``Text`` columns (fault and action event
details, tracebacks) hold 65,535 bytes on MariaDB/MySQL, and a longer
value is refused (error 1406) instead of stored: the write of an ERROR
state would then fail and leave its instance in BUILD."""

#: Bytes of a MariaDB/MySQL ``TEXT`` column.
TEXT_BYTES = 65535
_MARK = '\n... (cut: %d bytes in all)'


def fit_text(value, limit=TEXT_BYTES):
    """``value`` (a str, or None) cut to at most ``limit`` bytes of UTF-8
    at a character boundary, ending with a mark that tells its full
    length; None and shorter values unchanged."""
    if value is None:
        return None
    data = value.encode('utf-8')
    if len(data) <= limit:
        return value
    mark = _MARK % len(data)
    head = data[:limit - len(mark.encode('utf-8'))]
    return head.decode('utf-8', errors='ignore') + mark
