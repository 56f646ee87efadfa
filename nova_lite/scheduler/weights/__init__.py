"""Host weighers: each one ``weigh`` method returning a raw number.

Raw weights are normalised to 0..1 over the candidate hosts and multiplied
by the weigher's multiplier (``[scheduler] *_weight_multiplier``); positive
resource multipliers spread instances, negative ones pack them. The server
group weighers count only for a request in a group of their policy.
"""
from oslo_config import cfg

CONF = cfg.CONF


class BaseWeigher:
    multiplier_opt = None
    #: (key of ``host_candidates.WEIGHT_KEYS``, sign): the value ``weigh``
    #: returns, which the scheduler's candidate query ranks by in SQL;
    #: None for a weigher SQL cannot rank by (the scheduler then reads
    #: every candidate).
    sql_value = None

    def multiplier(self):
        return getattr(CONF.scheduler, self.multiplier_opt)

    def applies(self, spec):
        """False when the weigher has no opinion on this request."""
        return True

    def weigh(self, host_state, spec):
        raise NotImplementedError()


class RAMWeigher(BaseWeigher):
    """Free RAM in MiB."""
    multiplier_opt = 'ram_weight_multiplier'
    sql_value = ('free_ram_mb', 1)

    def weigh(self, host_state, spec):
        return host_state.free_ram_mb


class CPUWeigher(BaseWeigher):
    """Free vCPUs."""
    multiplier_opt = 'cpu_weight_multiplier'
    sql_value = ('free_vcpus', 1)

    def weigh(self, host_state, spec):
        return host_state.free_vcpus


class DiskWeigher(BaseWeigher):
    """Free disk in GiB."""
    multiplier_opt = 'disk_weight_multiplier'
    sql_value = ('free_disk_gb', 1)

    def weigh(self, host_state, spec):
        return host_state.free_disk_gb


class _GroupWeigher(BaseWeigher):
    policy = None

    def applies(self, spec):
        return spec.instance_group_policy == self.policy


class ServerGroupSoftAffinityWeigher(_GroupWeigher):
    """Members of the soft-affinity group on the host (more is better)."""
    multiplier_opt = 'soft_affinity_weight_multiplier'
    policy = 'soft-affinity'
    sql_value = ('group_members', 1)

    def weigh(self, host_state, spec):
        return host_state.group_members


class ServerGroupSoftAntiAffinityWeigher(_GroupWeigher):
    """Members of the soft-anti-affinity group on the host, negated
    (fewer is better)."""
    multiplier_opt = 'soft_anti_affinity_weight_multiplier'
    policy = 'soft-anti-affinity'
    sql_value = ('group_members', -1)

    def weigh(self, host_state, spec):
        return -host_state.group_members


def all_weighers():
    return [RAMWeigher(), CPUWeigher(), DiskWeigher(),
            ServerGroupSoftAffinityWeigher(),
            ServerGroupSoftAntiAffinityWeigher()]


def sql_weights(spec, weighers):
    """((multiplier, key), ...) of the weighers active for ``spec``, for
    the candidate query to rank by (``db.host_candidates``), or None when
    one of them has no ``sql_value``. A sign of -1 negates the
    multiplier: ``m * (-v - min) / span`` orders hosts as
    ``-m * (v - min) / span`` does."""
    result = []
    for weigher in weighers:
        mult = weigher.multiplier()
        if not mult or not weigher.applies(spec):
            continue
        if weigher.sql_value is None:
            return None
        key, sign = weigher.sql_value
        result.append((mult * sign, key))
    return tuple(result)


def weigh_hosts(hosts, spec, weighers):
    """Return ``hosts`` sorted best first by the sum of normalised,
    multiplied weights (ties keep the input order)."""
    if not hosts:
        return []
    totals = [0.0] * len(hosts)
    for weigher in weighers:
        mult = weigher.multiplier()
        if not mult or not weigher.applies(spec):
            continue
        raw = [weigher.weigh(h, spec) for h in hosts]
        low, high = min(raw), max(raw)
        if high == low:
            continue
        span = high - low
        for i, value in enumerate(raw):
            totals[i] += mult * (value - low) / span
    order = sorted(range(len(hosts)), key=lambda i: totals[i], reverse=True)
    return [hosts[i] for i in order]
