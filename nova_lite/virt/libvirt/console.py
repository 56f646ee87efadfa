"""The serial console log of a guest.

The guest's first serial port (and its console) is written, appended, to
``console.log`` in the instance directory (see ``config``); this module
names that file, creates it before the guest starts, and reads its tail.
"""
import os

CONSOLE_LOG_NAME = 'console.log'
# Most bytes of console.log get_console_output returns (its tail).
CONSOLE_LOG_MAX_BYTES = 100 * 1024


def console_log_path(instance_dir):
    """Path of the console log in ``instance_dir``."""
    return os.path.join(instance_dir, CONSOLE_LOG_NAME)


def create_console_log(instance_dir):
    """Create an empty console log in ``instance_dir`` and return its path.

    Created here so that it exists (and is ours) before libvirt labels it
    for QEMU, and for hypervisors that write none.

    :raises: OSError
    """
    path = console_log_path(instance_dir)
    open(path, 'ab').close()
    return path


def read_tail(path, max_bytes=CONSOLE_LOG_MAX_BYTES):
    """Return the last ``max_bytes`` of the log at ``path`` as text
    (undecodable bytes replaced); '' when there is no such file.

    :raises: OSError other than a missing file
    """
    try:
        with open(path, 'rb') as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - max_bytes))
            data = f.read(max_bytes)
    except FileNotFoundError:
        return ''
    return data.decode('utf-8', errors='replace')
