"""ServerGroupAffinityFilter: a member of an ``affinity`` group goes to
the host where the group's other members are (any host for the first).

The claim checks the same rule again under a lock of the group row
(``nova_lite.db.claims.claim``), so concurrent boots cannot break it.
"""
from nova_lite.scheduler import filters

POLICY = 'affinity'


class ServerGroupAffinityFilter(filters.BaseHostFilter):

    def applies(self, spec):
        return spec.instance_group_policy == POLICY

    def host_passes(self, host_state, spec):
        if spec.instance_group_policy != POLICY:
            return None
        elsewhere = sorted(h for h, count in host_state.group_hosts.items()
                           if count and h != host_state.host)
        if elsewhere:
            return 'affinity group %s has members on %s' % (
                spec.instance_group_uuid, elsewhere[0])
        return None
