"""ServerGroupAntiAffinityFilter: no two members of an ``anti-affinity``
group on one host.

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
        if host_state.group_members:
            return 'anti-affinity group %s already has a member here' % (
                spec.instance_group_uuid)
        return None
