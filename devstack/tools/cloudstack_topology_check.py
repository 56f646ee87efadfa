#!/usr/bin/env python3
"""Issue 22, acceptance 1, against the lab: zone > pod > cluster > host,
per-cluster memory overcommit, deployment planners and primary storage
per cluster through the ``cs`` CLI (the CloudStack reference client),
step by step.

    cloudstack_topology_check.py --hosts node1,node2,node3
                                 --volume-host HOST [--template tiny]
                                 [--memory MiB] [--steps a,b,...]

The ``cs`` client is ``$CS`` or ``cs`` from the PATH, with
``CLOUDSTACK_ENDPOINT``, ``CLOUDSTACK_KEY`` and ``CLOUDSTACK_SECRET`` of
an admin (``cloudstack-topology-check.sh`` makes the key pair). The
first two ``--hosts`` go to cluster c1 (memory ratio 1.0), the third to
c2 (ratio 3.0: more room than c1, so FirstFitPlanner, which takes the
fullest cluster with room first, fills c1 first); every other Up host
is disabled for the run (enabled again at the end). The counts come
from listCapacity, so any host size
works; the lab's fake hosts keep it quick.

The steps (doc/cloudstack.md):

1. ``zone_hosts``: listZones, listHosts: the three hosts are Up;
2. ``pod_clusters``: createPod, addCluster c1 (memoryovercommitratio
   1.0) and c2 (3.0), updateHost clusterid: listHosts by clusterid shows
   2 + 1 hosts; other hosts disabled;
3. ``storage_pools``: createStoragePool p1 (c1) and p2 (c2), two
   directories of the same volume service host: listStoragePools shows
   both, scope CLUSTER, with their cluster, pod and capacity;
4. ``offerings``: createServiceOffering of ``--memory`` MiB (default:
   half the smallest host's memory) with deploymentplanner
   FirstFitPlanner and one with UserDispersingPlanner (the account's
   VM, CPU and memory limits lifted for the run: updateResourceLimit);
5. ``user_dispersing``: four VMs of one account with the
   UserDispersingPlanner offering: two in c1, two in c2 (then destroyed
   with expunge);
6. ``first_fit``: with the FirstFitPlanner offering, as many VMs as c1
   has room for (from listCapacity) all land in c1, the next one in c2;
7. ``capacity``: listCapacity type=0 per cluster equals the memory of
   the VMs on it (their offering's memory, plus what other VMs, e.g.
   the lab's demo server, held before the run), total = memory × ratio
   (less the reserved memory);
8. ``update_cluster``: updateCluster c2 memoryovercommitratio to what
   its VM already uses: the next deploy fails with the planner's
   NoValidHost, the running VMs stay Running; back to 3.0: the next
   deploy lands in c2;
9. ``pool_capacity``: createVolume storageid=p1: listStoragePools and
   listCapacity type=3 of c1 show the allocation; attachVolume of it to
   a VM of c2 is refused (431: another cluster's pool); deleteVolume.

Each step prints PASS or FAIL with its number, seconds and what it saw;
then ``N passed, N failed``; exit status 0 only when all passed. What
the steps made is removed at the end (VMs expunged, offerings, pools,
the volume), except the pod and clusters (hosts cannot leave a
cluster): each run names its own with a suffix.
"""
import argparse
import json
import os
import subprocess
import sys
import time

from cli_check import CliCheck, StepFailed, main as run_main

STEPS = ('zone_hosts', 'pod_clusters', 'storage_pools', 'offerings',
         'user_dispersing', 'first_fit', 'capacity', 'update_cluster',
         'pool_capacity')
MIB = 1024 * 1024
GIB = 1024 * MIB


def _errortext(text):
    """The ``errortext`` of a CloudStack error answer cs printed (the
    text itself when it is not one)."""
    try:
        body = json.loads(text)
    except ValueError:
        return text
    inner = next(iter(body.values()), {}) if isinstance(body, dict) else {}
    return inner.get('errortext', text) if isinstance(inner, dict) \
        else text


class TopologyCheck(CliCheck):
    STEPS = STEPS

    def __init__(self, args):
        super().__init__(args)
        self.csbin = os.environ.get('CS', 'cs').split()
        self.suffix = args.suffix or time.strftime('%H%M%S')
        self.hosts = args.hosts.split(',')
        self.zone = self.template = None
        self.host_ids, self.clusters, self.pools = {}, {}, {}
        self.offerings, self.disabled, self.vms = {}, [], {}
        self.volume = None
        self.limits = {}

    # -- the cs CLI ----------------------------------------------------------

    def cs(self, command, *args, expect_ok=True):
        """``cs COMMAND key=value...`` (async jobs waited for): the
        parsed answer; StepFailed on an error when ``expect_ok``, else
        the error text as ``{"error": text}``."""
        result = subprocess.run(self.csbin + [command] + list(args),
                                capture_output=True, text=True,
                                timeout=self.STATUS_TIMEOUT + 60)
        text = result.stdout.strip() or result.stderr.strip()
        if result.returncode != 0:
            text = _errortext(text)
            if expect_ok:
                raise StepFailed('cs %s: exit %d: %s' % (
                    command, result.returncode, text[-400:]))
            return {'error': text}
        try:
            return json.loads(text) if text else {}
        except ValueError as exc:
            raise StepFailed('cs %s: not JSON: %r' % (command,
                                                     text[:200])) from exc

    def deploy(self, name, offering, expect_ok=True):
        answer = self.cs('deployVirtualMachine', 'name=%s' % name,
                         'serviceofferingid=%s' % offering,
                         'templateid=%s' % self.template,
                         'zoneid=%s' % self.zone, expect_ok=expect_ok)
        vm = answer.get('virtualmachine') or {}
        if vm.get('id'):
            self.vms[name] = vm['id']
        return vm or answer

    def vm_placement(self):
        """{VM name: (host name, state)} of the VMs the run made."""
        found = self.cs('listVirtualMachines', 'listall=true').get(
            'virtualmachine', [])
        return {vm['name']: (vm.get('hostname'), vm['state'])
                for vm in found if vm['name'] in self.vms}

    def cluster_of(self, host):
        return 'c1' if host in self.hosts[:2] else \
            'c2' if host == self.hosts[2] else None

    def memory(self, cluster):
        """(total, used) MiB of listCapacity type=0 of ``cluster``."""
        entry, = self.cs('listCapacity', 'type=0', 'clusterid=%s' %
                         self.clusters[cluster]['id'])['capacity']
        return entry['capacitytotal'] // MIB, entry['capacityused'] // MIB

    def destroy(self, names):
        for name in names:
            self.cs('destroyVirtualMachine', 'id=%s' % self.vms.pop(name),
                    'expunge=true')

    # -- steps ---------------------------------------------------------------

    def step_zone_hosts(self):
        self.zone = self.cs('listZones')['zone'][0]['id']
        self.template = next(
            t['id'] for t in self.cs('listTemplates',
                                     'templatefilter=executable')['template']
            if t['name'] == self.args.template)
        hosts = {h['name']: h for h in self.cs('listHosts')['host']}
        missing = [h for h in self.hosts
                   if hosts.get(h, {}).get('state') != 'Up']
        if missing:
            raise StepFailed('hosts not Up: %s (listed: %s)' % (
                ', '.join(missing), ', '.join(sorted(hosts))))
        self.host_ids = {name: h['id'] for name, h in hosts.items()}
        self.others = [h for name, h in hosts.items()
                       if name not in self.hosts and h['state'] == 'Up'
                       and h['resourcestate'] == 'Enabled']
        return 'zone %s; hosts %s Up' % (self.zone, ', '.join(self.hosts))

    def step_pod_clusters(self):
        pod = self.cs('createPod', 'zoneid=%s' % self.zone,
                      'name=topo-%s' % self.suffix, 'gateway=10.98.0.1',
                      'netmask=255.255.255.0')['pod']
        self.pod = pod
        for name, ratio in (('c1', '1.0'), ('c2', '3.0')):
            self.clusters[name], = self.cs(
                'addCluster', 'zoneid=%s' % self.zone,
                'podid=%s' % pod['id'], 'clustername=%s-%s' % (
                    name, self.suffix), 'hypervisor=Simulator',
                'clustertype=CloudManaged',
                'memoryovercommitratio=%s' % ratio)['cluster']
        for host in self.hosts:
            self.cs('updateHost', 'id=%s' % self.host_ids[host],
                    'clusterid=%s' % self.clusters[self.cluster_of(host)][
                        'id'])
        for host in self.others:
            self.cs('updateHost', 'id=%s' % host['id'],
                    'allocationstate=Disable')
            self.disabled.append(host['id'])
        # What other VMs (the lab's demo server...) hold on the hosts.
        self.baseline = {name: self.memory(name)[1]
                         for name in self.clusters}
        members = {name: sorted(h['name'] for h in self.cs(
            'listHosts', 'clusterid=%s' % c['id']).get('host', []))
            for name, c in self.clusters.items()}
        if members != {'c1': sorted(self.hosts[:2]),
                       'c2': [self.hosts[2]]}:
            raise StepFailed('cluster members %s' % members)
        return 'pod %s; c1 (ratio 1.0): %s; c2 (ratio 3.0): %s; %d other ' \
            'host(s) disabled' % (pod['name'], ', '.join(members['c1']),
                                  ', '.join(members['c2']),
                                  len(self.disabled))

    def step_storage_pools(self):
        volume_host = self.args.volume_host
        for name, cluster, size in (('p1', 'c1', 8), ('p2', 'c2', 4)):
            self.pools[name] = self.cs(
                'createStoragePool', 'name=%s-%s' % (name, self.suffix),
                'url=file://%s' % volume_host, 'zoneid=%s' % self.zone,
                'clusterid=%s' % self.clusters[cluster]['id'],
                'capacitybytes=%d' % (size * GIB),
                'overprovisionfactor=1.5')['storagepool']
        listed = {p['id']: p for p in self.cs(
            'listStoragePools', 'zoneid=%s' % self.zone)['storagepool']}
        seen = []
        for name, cluster, size in (('p1', 'c1', 8), ('p2', 'c2', 4)):
            pool = listed.get(self.pools[name]['id'])
            want = ('CLUSTER', self.clusters[cluster]['id'],
                    self.pod['id'], size * GIB, 'Up', volume_host)
            got = pool and (pool['scope'], pool['clusterid'],
                            pool['podid'], pool['disksizetotal'],
                            pool['state'], pool['ipaddress'])
            if got != want:
                raise StepFailed('pool %s: %s, expected %s' % (name, got,
                                                               want))
            seen.append('%s → %s (%s, %d GiB)' % (
                pool['name'], cluster, pool['path'], size))
        return '; '.join(seen) + '; both on volume host %s' % volume_host

    def _usable_mib(self, cluster):
        """{host: MiB it may allocate before any VM at ratio 1.0} of the
        hosts of ``cluster`` (listHosts memory less the reserved memory
        listCapacity leaves out)."""
        hosts = self.cs('listHosts', 'clusterid=%s' %
                        self.clusters[cluster]['id'])['host']
        total, _used = self.memory(cluster)
        ratio = 1.0 if cluster == 'c1' else float(
            self.clusters[cluster]['memoryovercommitratio'] or 1)
        raw = sum(h['memorytotal'] for h in hosts) // MIB
        reserved = (raw - total / ratio) / len(hosts)
        return {h['name']: h['memorytotal'] // MIB - reserved
                for h in hosts}

    def step_offerings(self):
        if not self.args.memory:
            # Two VMs per host of c1 at ratio 1.0: quick on big fake hosts.
            usable = self._usable_mib('c1')
            usable.update(self._usable_mib('c2'))
            self.args.memory = int(min(usable.values()) // 2)
        self._lift_limits()
        for planner in ('FirstFitPlanner', 'UserDispersingPlanner'):
            self.offerings[planner] = self.cs(
                'createServiceOffering', 'name=topo-%s-%s' % (
                    planner[:4].lower(), self.suffix),
                'displaytext=issue 22 check', 'cpunumber=1',
                'cpuspeed=1000', 'memory=%d' % self.args.memory,
                'deploymentplanner=%s' % planner)['serviceoffering']
        return ', '.join('%s (%s, %d MiB)' % (o['name'], p,
                                              self.args.memory)
                         for p, o in self.offerings.items())

    def _lift_limits(self):
        """Make the account's VM, CPU and memory limits unlimited for
        the run (big VMs on big fake hosts pass a project's default
        quota); ``clean`` puts them back."""
        for limit in self.cs('listResourceLimits').get('resourcelimit', []):
            if limit['resourcetype'] in ('0', '8', '9') and \
                    int(limit['max']) != -1:
                self.limits[limit['resourcetype']] = limit['max']
                self.cs('updateResourceLimit', 'resourcetype=%s' %
                        limit['resourcetype'], 'max=-1')

    def step_user_dispersing(self):
        offering = self.offerings['UserDispersingPlanner']['id']
        names = ['ud%d-%s' % (i, self.suffix) for i in range(4)]
        for name in names:
            self.deploy(name, offering)
        placed = self.vm_placement()
        clusters = [self.cluster_of(placed[n][0]) for n in names]
        states = {placed[n][1] for n in names}
        self.destroy(names)
        if sorted(clusters) != ['c1', 'c1', 'c2', 'c2'] or \
                states != {'Running'}:
            raise StepFailed('clusters %s, states %s' % (clusters, states))
        return 'one account\'s 4 VMs: %s' % ', '.join(
            '%s→%s(%s)' % (n.split('-')[0], placed[n][0], c)
            for n, c in zip(names, clusters, strict=True))

    def step_first_fit(self):
        offering = self.offerings['FirstFitPlanner']['id']
        total, used = self.memory('c1')
        fits = self._c1_fits()
        names = ['ff%d-%s' % (i, self.suffix) for i in range(fits + 1)]
        for name in names:
            self.deploy(name, offering)
        placed = self.vm_placement()
        clusters = [self.cluster_of(placed[n][0]) for n in names]
        if clusters != ['c1'] * fits + ['c2']:
            raise StepFailed('clusters in deploy order: %s' % clusters)
        self.first_fit = names
        return '%d VMs of %d MiB: the first %d in c1 (%d MiB, %d used ' \
            'before), the next in c2 (%s)' % (
                len(names), self.args.memory, fits, total, used,
                placed[names[-1]][0])

    def _c1_fits(self):
        """How many VMs of ``--memory`` MiB c1's hosts take, host by
        host (ratio 1.0)."""
        allocated = {h['name']: h['memoryallocated'] // MIB
                     for h in self.cs('listHosts', 'clusterid=%s' %
                                      self.clusters['c1']['id'])['host']}
        return sum(int((usable - allocated[name]) // self.args.memory)
                   for name, usable in self._usable_mib('c1').items())

    def step_capacity(self):
        placed = self.vm_placement()
        seen = []
        for name, ratio in (('c1', 1.0), ('c2', 3.0)):
            total, used = self.memory(name)
            vms = [n for n, (host, _s) in placed.items()
                   if self.cluster_of(host) == name]
            hosts = self.cs('listHosts', 'clusterid=%s' %
                            self.clusters[name]['id'])['host']
            raw = sum(h['memorytotal'] for h in hosts) // MIB
            claims = len(vms) * self.args.memory + self.baseline[name]
            if used != claims or \
                    not raw * ratio * 0.5 <= total <= raw * ratio:
                raise StepFailed('%s: listCapacity total %d used %d MiB; '
                                 '%d VMs + %d MiB of others, hosts %d MiB '
                                 '× %g' % (name, total, used, len(vms),
                                           self.baseline[name], raw, ratio))
            seen.append('%s: %d of %d MiB (%d VMs × %d MiB + %d MiB of '
                        'other VMs; hosts %d MiB × %g)' % (
                            name, used, total, len(vms), self.args.memory,
                            self.baseline[name], raw, ratio))
        return '; '.join(seen)

    def step_update_cluster(self):
        c2 = self.clusters['c2']['id']
        total, used = self.memory('c2')
        hosts = self.cs('listHosts', 'clusterid=%s' % c2)['host']
        raw = sum(h['memorytotal'] for h in hosts) // MIB
        ratio = '%.3f' % (used / float(raw))
        self.cs('updateCluster', 'id=%s' % c2,
                'memoryovercommitratio=%s' % ratio)
        lowered = self.memory('c2')
        offering = self.offerings['FirstFitPlanner']['id']
        failed = self.deploy('late-%s' % self.suffix, offering,
                             expect_ok=False)
        text = json.dumps(failed)
        if failed.get('state') == 'Running' or \
                'FirstFitPlanner' not in text:
            raise StepFailed('a deploy after the lower ratio: %s'
                             % text[:300])
        states = {n: s for n, (_h, s) in self.vm_placement().items()
                  if n in self.first_fit}
        if set(states.values()) != {'Running'}:
            raise StepFailed('running VMs after the lower ratio: %s'
                             % states)
        self.cs('updateCluster', 'id=%s' % c2, 'memoryovercommitratio=3.0')
        vm = self.deploy('next-%s' % self.suffix, offering)
        if self.cluster_of(vm.get('hostname')) != 'c2':
            raise StepFailed('after ratio 3.0 the deploy went to %s'
                             % vm.get('hostname'))
        reason = text[text.find('FirstFitPlanner'):][:110]
        return 'c2 ratio %s: %d→%d MiB total, deploy refused (%s...), ' \
            '%d VMs still Running; ratio 3.0: next VM on %s' % (
                ratio, total, lowered[0], reason, len(states),
                vm['hostname'])

    def step_pool_capacity(self):
        p1 = self.pools['p1']['id']
        volume = self.cs('createVolume', 'name=topo-%s' % self.suffix,
                         'size=2', 'zoneid=%s' % self.zone,
                         'storageid=%s' % p1)['volume']
        self.volume = volume['id']
        pool, = self.cs('listStoragePools', 'id=%s' % p1)['storagepool']
        entry, = self.cs('listCapacity', 'type=3', 'clusterid=%s' %
                         self.clusters['c1']['id'])['capacity']
        if (volume['storageid'], pool['disksizeallocated'],
                entry['capacityused'], entry['capacitytotal']) != (
                p1, 2 * GIB, 2 * GIB, 12 * GIB):
            raise StepFailed('volume on %s; pool allocated %s; listCapacity'
                             ' type=3 of c1 %s of %s' % (
                                 volume['storageid'],
                                 pool['disksizeallocated'],
                                 entry['capacityused'],
                                 entry['capacitytotal']))
        in_c2 = next(vid for n, vid in self.vms.items()
                     if self.cluster_of(self.vm_placement()[n][0]) == 'c2')
        refused = self.cs('attachVolume', 'id=%s' % self.volume,
                          'virtualmachineid=%s' % in_c2, expect_ok=False)
        if 'of cluster %s' % self.clusters['c1']['id'] not in \
                refused.get('error', ''):
            raise StepFailed('attach to a VM of c2: %s' % refused)
        self.cs('deleteVolume', 'id=%s' % self.volume)
        self.volume = None
        return 'volume on %s; listCapacity type=3 c1: %d of %d GiB ' \
            '(8 GiB × 1.5); attach to a VM of c2 refused: %s' % (
                pool['name'], entry['capacityused'] // GIB,
                entry['capacitytotal'] // GIB, refused['error'][:220])

    # -- clean-up ------------------------------------------------------------

    def clean(self):
        """Expunge the run's VMs; delete its volume, pools and
        offerings; enable the hosts it disabled; put the account's
        limits back."""
        steps = []
        for name in list(self.vms):
            steps.append(('destroyVirtualMachine', 'id=%s' %
                          self.vms.pop(name), 'expunge=true'))
        if self.volume:
            steps.append(('deleteVolume', 'id=%s' % self.volume))
        steps += [('deleteStoragePool', 'id=%s' % p['id'])
                  for p in self.pools.values()]
        steps += [('deleteServiceOffering', 'id=%s' % o['id'])
                  for o in self.offerings.values()]
        steps += [('updateHost', 'id=%s' % h, 'allocationstate=Enable')
                  for h in self.disabled]
        steps += [('updateResourceLimit', 'resourcetype=%s' % kind,
                   'max=%s' % value) for kind, value in self.limits.items()]
        for command, *args in steps:
            try:
                self.cs(command, *args)
            except (StepFailed, subprocess.TimeoutExpired) as exc:
                print('clean-up: %s' % exc, file=sys.stderr)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--hosts', required=True,
                        help='three compute hosts: two for c1, one for c2')
    parser.add_argument('--volume-host', required=True,
                        help='the volume service host of the pools')
    parser.add_argument('--template', default='tiny')
    parser.add_argument('--memory', type=int, default=0,
                        help='MiB of the VMs\' service offerings (default:'
                        ' half of the smallest host, so that each host of '
                        'c1 takes two)')
    parser.add_argument('--suffix', help='of the names (default: time)')
    parser.add_argument('--steps', help='comma-separated, of: '
                        + ', '.join(STEPS))
    args = parser.parse_args(argv)
    if len(args.hosts.split(',')) != 3:
        parser.error('--hosts takes three host names')
    return args


def main(argv=None):
    args = parse_args(argv)
    steps = args.steps.split(',') if args.steps else list(STEPS)
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        print('unknown steps: %s' % ', '.join(unknown), file=sys.stderr)
        return 2
    return run_main(TopologyCheck(args), steps)


if __name__ == '__main__':
    sys.exit(main())
