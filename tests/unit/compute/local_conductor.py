"""A ``ConductorAPI`` stand-in for unit tests: each method runs the
conductor's ``compute_proxy`` (or ``lifecycle_proxy``, ``volume_proxy``
or ``evacuate``)
function of the same name in this thread
(casts too, so a test sees their writes at once)."""
from nova_lite.conductor import compute_proxy
from nova_lite.conductor import evacuate
from nova_lite.conductor import lifecycle_proxy
from nova_lite.conductor import volume_proxy


class LocalConductor:
    """``ConductorAPI``'s 1.1 methods, without RPC."""

    def __getattr__(self, name):
        func = getattr(compute_proxy, name, None) or getattr(
            lifecycle_proxy, name, None) or getattr(
            volume_proxy.VolumeAttachEndpoint(), name, None) or getattr(
            evacuate, name)

        def _run(context, *args, wait=False, **kwargs):
            return func(context, *args, **kwargs)
        if name == 'build_start':
            return _build_start
        return _run


def _build_start(context, *args, guest_data=True, **kwargs):
    """As ``ConductorAPI.build_start``: the 1.3 answer, and a 1.1 answer
    ([VIF]) wrapped alike when no guest data is asked for."""
    started = compute_proxy.build_start(context, *args,
                                        guest_data=guest_data, **kwargs)
    if guest_data or started is None:
        return started
    return {'network_info': started, 'guest_data': None}
