"""Run nova_lite as separate processes on real backends, from Python.

Shared by the benchmarks (``tools/bench_boot.py``, ``tools/profile_api.py``)
and the functional tests, and needing neither test framework: install
``nova_lite[bench]`` (it adds ``requests``) and use

* ``backends``: a fresh MariaDB/PostgreSQL/SQLite database and a private
  RabbitMQ vhost on the machine's servers;
* ``processes``: ``ProcessStack``, nova-lite-api, -conductor, -scheduler
  and computes (or nova-lite-all) as OS processes with their own logs;
* ``client``: a small HTTP client of the compute API.

Each resource is a context manager (``with ProcessStack(...) as stack:``)
that undoes what it started, in reverse order, on exit.
"""
import contextlib


class Resource:
    """Something started once and cleaned up in reverse order.

    Subclasses implement ``_start()`` and register their undo steps with
    ``addCleanup``; ``use(other)`` starts a nested resource and cleans it up
    with this one. ``start()`` cleans up what was started when ``_start``
    raises.
    """

    def __init__(self):
        self._cleanups = contextlib.ExitStack()

    def addCleanup(self, function, *args, **kwargs):  # noqa: N802
        """Call ``function(*args, **kwargs)`` at cleanup (LIFO)."""
        self._cleanups.callback(function, *args, **kwargs)

    def use(self, resource):
        """Start ``resource`` now and clean it up with this one; returns
        it."""
        resource.start()
        self.addCleanup(resource.cleanup)
        return resource

    def _start(self):
        raise NotImplementedError

    def start(self):
        """Start; on failure undo what was done and re-raise."""
        try:
            self._start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def cleanup(self):
        """Undo everything started, newest first."""
        self._cleanups.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.cleanup()
        return False
