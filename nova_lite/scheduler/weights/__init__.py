"""Host weighers: each one ``weigh`` method returning a raw number.

Raw weights are normalised to 0..1 over the candidate hosts and multiplied
by the weigher's multiplier (``[scheduler] *_weight_multiplier``); positive
multipliers spread instances, negative ones pack them.
"""
from oslo_config import cfg

CONF = cfg.CONF


class BaseWeigher:
    multiplier_opt = None

    def multiplier(self):
        return getattr(CONF.scheduler, self.multiplier_opt)

    def weigh(self, host_state, spec):
        raise NotImplementedError()


class RAMWeigher(BaseWeigher):
    """Free RAM in MiB."""
    multiplier_opt = 'ram_weight_multiplier'

    def weigh(self, host_state, spec):
        return host_state.free_ram_mb


class CPUWeigher(BaseWeigher):
    """Free vCPUs."""
    multiplier_opt = 'cpu_weight_multiplier'

    def weigh(self, host_state, spec):
        return host_state.free_vcpus


class DiskWeigher(BaseWeigher):
    """Free disk in GiB."""
    multiplier_opt = 'disk_weight_multiplier'

    def weigh(self, host_state, spec):
        return host_state.free_disk_gb


def all_weighers():
    return [RAMWeigher(), CPUWeigher(), DiskWeigher()]


def weigh_hosts(hosts, spec, weighers):
    """Return ``hosts`` sorted best first by the sum of normalised,
    multiplied weights."""
    if not hosts:
        return []
    totals = [0.0] * len(hosts)
    for weigher in weighers:
        mult = weigher.multiplier()
        if not mult:
            continue
        raw = [weigher.weigh(h, spec) for h in hosts]
        low, high = min(raw), max(raw)
        span = (high - low) or 1.0
        for i, value in enumerate(raw):
            totals[i] += mult * (value - low) / span
    order = sorted(range(len(hosts)), key=lambda i: totals[i], reverse=True)
    return [hosts[i] for i in order]
