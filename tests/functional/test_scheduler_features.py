"""Scheduler features through the whole in-process engine (fake bus,
SQLite): availability zones from aggregates, aggregate metadata against
image properties, server groups from the ``group`` hint, same_host /
different_host hints, and the admin's per-host table of a NoValidHost."""
import json

from nova_lite.compute import states
from nova_lite.db import aggregates as aggregate_db
from nova_lite.db import actions as action_db
from nova_lite.db import images as image_db
from nova_lite.db import services as service_db
from nova_lite.db import server_groups as group_db
from nova_lite import exception
from tests.functional.fixtures import inprocess
from tests.functional import test_build_engine


class SchedulerFeaturesTest(test_build_engine.BuildEngineTestCase):
    hosts = {'node1': 'fake', 'node2': 'fake', 'node3': 'fake'}
    # (4096 - 512) * 1.5 MiB per host: ten m1.tiny, no m1.large
    overrides = {('fake', 'memory_mb'): 4096}

    def create(self, image=None, flavor='1', **kwargs):
        """API create of servers named 'vm'; returns their uuids."""
        rows, _ = self.api.create(self.ctxt, 'vm',
                                  image or self.stack.image['uuid'], flavor,
                                  **kwargs)
        return [r.uuid for r in rows]

    def settled(self, uuids):
        return {r.uuid: r for r in self.wait_stable(uuids)}

    def aggregate(self, name, hosts, zone=None, **metadata):
        agg = aggregate_db.aggregate_create(self.stack.admin, name, zone)
        for host in hosts:
            aggregate_db.aggregate_host_add(self.stack.admin, agg['id'], host)
        if metadata:
            aggregate_db.aggregate_metadata_set(self.stack.admin, agg['id'],
                                                metadata)
        return agg

    def test_availability_zone_from_aggregate(self):
        self.aggregate('rack2', ['node2'], zone='london')
        rows = self.settled(self.create(availability_zone='london',
                                        min_count=3, max_count=3))
        self.assertEqual({'node2'}, {r.host for r in rows.values()})
        rows = self.settled(self.create(availability_zone='nova',
                                        min_count=4, max_count=4))
        self.assertEqual({'node1', 'node3'}, {r.host for r in rows.values()})
        self.assertRaises(exception.Invalid, self.create,
                          availability_zone='paris')

    def test_aggregate_metadata_against_image_properties(self):
        self.aggregate('arm', ['node1'], hw_architecture='aarch64')
        image = image_db.image_create(self.stack.admin, {
            'name': 'arm-image', 'status': 'active', 'visibility': 'public',
            'properties': {'hw_architecture': 'aarch64'}})
        other = image_db.image_create(self.stack.admin, {
            'name': 'x86-image', 'status': 'active', 'visibility': 'public',
            'properties': {'hw_architecture': 'x86_64'}})
        arm = self.settled(self.create(image=image['uuid']))
        self.assertEqual({'node1'}, {r.host for r in arm.values()})
        x86 = self.settled(self.create(image=other['uuid'], min_count=4,
                                       max_count=4))
        self.assertEqual({'node2', 'node3'}, {r.host for r in x86.values()})

    def test_group_hint_and_anti_affinity(self):
        group = group_db.instance_group_create(self.ctxt, 'g',
                                               'anti-affinity')
        hints = {'group': group['uuid']}
        first = self.create(scheduler_hints=hints, min_count=3, max_count=3)
        rows = self.settled(first)
        self.assertEqual(3, len({r.host for r in rows.values()}))
        extra = self.settled(self.create(scheduler_hints=hints))
        row = list(extra.values())[0]
        self.assertEqual(states.ERROR, row.vm_state)
        self.assertIn('ServerGroupAntiAffinityFilter rejected 3 of 3',
                      row.fault.message)
        members = group_db.instance_group_get(self.ctxt, group['uuid'])
        self.assertEqual(sorted(first + [row.uuid]),
                         sorted(members['members']))

    def test_soft_affinity_keeps_servers_together(self):
        group = group_db.instance_group_create(self.ctxt, 'g',
                                               'soft-affinity')
        rows = {}
        for _ in range(3):
            rows.update(self.settled(self.create(
                scheduler_hints={'group': group['uuid']})))
        self.assertEqual(1, len({r.host for r in rows.values()}))

    def test_same_and_different_host_hints(self):
        anchor = list(self.settled(self.create()).values())[0]
        same = self.settled(self.create(
            scheduler_hints={'same_host': [anchor.uuid]}))
        self.assertEqual({anchor.host}, {r.host for r in same.values()})
        apart = self.settled(self.create(
            scheduler_hints={'different_host': [anchor.uuid]}, min_count=4,
            max_count=4))
        self.assertNotIn(anchor.host, {r.host for r in apart.values()})

    def test_no_valid_host_details_per_host_for_admins(self):
        service_db.service_update(self.stack.admin, service_db.service_get_all(
            self.stack.admin, host='node3')[0]['id'], {'disabled': True})
        row = list(self.settled(self.create(flavor='4')).values())[0]
        self.assertEqual(states.ERROR, row.vm_state)
        self.assertIn('ComputeFilter rejected 1 of 3 hosts (compute service '
                      'disabled); RamFilter rejected 2 of 3 hosts',
                      row.fault.message)
        def _event():
            # recorded just after the ERROR state (compute_utils.set_error)
            action = action_db.actions_get(self.stack.admin, row.uuid)[0]
            return [e for e in action.events
                    if e.event == 'conductor_schedule_and_build']
        event = inprocess.wait_for(_event, timeout=10,
                                   message='schedule event')[0]
        self.assertEqual('Error', event.result)
        table = sorted((r['host'], r['filter']) for r in json.loads(
            event.details))
        self.assertEqual([('node1', 'RamFilter'), ('node2', 'RamFilter'),
                          ('node3', 'ComputeFilter')], table)
        self.assertEqual(json.loads(event.details),
                         json.loads(row.fault.details))

