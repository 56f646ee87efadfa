"""ServerGroupAntiAffinityFilter: no two members of an ``anti-affinity``
group on one host, or no more than the group's ``max_server_per_host``
rule allows (compute API microversion 2.64).

The claim checks the same rule again under a lock of the group row
(``nova_lite.db.claims.claim``), so concurrent boots cannot break it.
"""
from nova_lite.scheduler import filters

POLICY = 'anti-affinity'


class ServerGroupAntiAffinityFilter(filters.BaseHostFilter):

    def applies(self, spec):
        return spec.instance_group_policy == POLICY

    def host_passes(self, host_state, spec):
        if spec.instance_group_policy != POLICY:
            return None
        allowed = getattr(host_state, 'group_max_per_host', 1)
        if host_state.group_members < allowed:
            return None
        if allowed == 1:
            return 'anti-affinity group %s already has a member here' % (
                spec.instance_group_uuid)
        return ('anti-affinity group %s already has %d members here '
                '(max_server_per_host %d)' % (
                    spec.instance_group_uuid, host_state.group_members,
                    allowed))
