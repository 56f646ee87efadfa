"""A ``ConductorAPI`` stand-in for unit tests: each method runs the
conductor's ``compute_proxy`` function of the same name in this thread
(casts too, so a test sees their writes at once)."""
from nova_lite.conductor import compute_proxy


class LocalConductor:
    """``ConductorAPI``'s 1.1 methods, without RPC."""

    def __getattr__(self, name):
        func = getattr(compute_proxy, name)

        def _run(context, *args, wait=False, **kwargs):
            if name == 'build_start':
                # ConductorAPI.build_start asks for the guest data (1.3).
                kwargs.setdefault('guest_data', True)
            return func(context, *args, **kwargs)
        return _run
