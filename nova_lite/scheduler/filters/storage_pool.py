"""StoragePoolFilter: the storage level of a CloudStack deploy. A build
that creates volumes (boot from volume: ``spec.volume_gb`` GiB) needs a
host whose cluster has an Up storage pool with that much room, since
its volumes go to its cluster's primary storage
(``nova_lite.volume.pools``; CloudStack's planner picks the storage
pool after the host). Hosts of a cluster without stored pools, and
hosts in no cluster, pass (their volumes go to the zone's pools).

One pool takes all the volumes of a build here (the roomiest one is
compared with their sum): a build that fits only when split across two
pools of a cluster is refused, never over-allocated.
"""
from nova_lite.scheduler import filters


class StoragePoolFilter(filters.BaseHostFilter):

    def applies(self, spec):
        return bool(spec.volume_gb) and spec.cluster_room is not None

    def host_passes(self, host_state, spec):
        room = spec.cluster_room.get(host_state.cluster_uuid)
        if room is None or room >= spec.volume_gb:
            return None
        return ('storage level: no storage pool of cluster %s has %d GiB '
                'free (roomiest: %d GiB)' % (host_state.cluster_uuid,
                                             spec.volume_gb, room))
