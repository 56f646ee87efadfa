"""nova_lite.image.visibility: the SQL filter (run on SQLite) and the
object check agree on every case of a table of images, memberships,
callers and list filters; and a few cases of Glance v2's rule are
spelled out."""
import itertools

import sqlalchemy as sa
import testtools

from nova_lite import context as nl_context
from nova_lite.db import models
from nova_lite.image import visibility

A, B, C = 'project-a', 'project-b', 'project-c'

#: (name, visibility, owner, {member project: status})
IMAGES = [
    ('public', 'public', A, {}),
    ('community', 'community', A, {}),
    ('private', 'private', A, {}),
    ('shared-none', 'shared', A, {}),
    ('shared-pending', 'shared', A, {B: 'pending'}),
    ('shared-accepted', 'shared', A, {B: 'accepted', C: 'rejected'}),
    ('shared-rejected', 'shared', A, {B: 'rejected'}),
    # Members of an image that is not shared (anymore) do not count.
    ('private-with-member', 'private', A, {B: 'accepted'}),
    ('own-community-b', 'community', B, {}),
    ('ownerless-private', 'private', None, {}),
    ('ownerless-shared', 'shared', None, {B: 'accepted'}),
]

CONTEXTS = {
    'A': nl_context.RequestContext('u', A, roles=['member']),
    'B': nl_context.RequestContext('u', B, roles=['member']),
    'C': nl_context.RequestContext('u', C, roles=['member']),
    'no-project': nl_context.RequestContext('u', None, roles=['member']),
    'admin': nl_context.RequestContext('u', 'admin-project',
                                       roles=['admin']),
}


class VisibilityAgreementTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.engine = sa.create_engine('sqlite://')
        self.addCleanup(self.engine.dispose)
        models.Base.metadata.create_all(self.engine, tables=[
            models.Image.__table__, models.ImageMember.__table__])
        self.images = {}
        with self.engine.begin() as conn:
            for index, (name, vis, owner, members) in enumerate(IMAGES):
                conn.execute(sa.insert(models.Image).values(
                    id=index + 1, uuid='uuid-%d' % index, name=name,
                    status='active', visibility=vis, owner=owner,
                    min_disk=0, min_ram=0, protected=False,
                    properties={}, deleted=0,
                    created_at=sa.func.current_timestamp()))
                for project, status in members.items():
                    conn.execute(sa.insert(models.ImageMember).values(
                        image_id=index + 1, member=project, status=status,
                        created_at=sa.func.current_timestamp()))
                self.images[name] = ({'visibility': vis, 'owner': owner},
                                     members)

    def sql_names(self, context, vis, member_status):
        with self.engine.connect() as conn:
            return set(conn.scalars(sa.select(models.Image.name).where(
                visibility.sql_filter(context, vis, member_status))))

    def check_names(self, context, vis, member_status):
        return {name for name, (image, members) in self.images.items()
                if visibility.matches(context, image,
                                      members.get(context.project_id),
                                      vis, member_status)}

    def test_sql_filter_and_object_check_agree(self):
        cases = itertools.product(
            CONTEXTS.items(), (None,) + visibility.VISIBILITY_FILTERS,
            visibility.MEMBER_STATUS_FILTERS)
        for (who, context), vis, member_status in cases:
            self.assertEqual(
                self.sql_names(context, vis, member_status),
                self.check_names(context, vis, member_status),
                '%s visibility=%s member_status=%s' % (who, vis,
                                                       member_status))

    def visible(self, who):
        """Names ``is_visible`` (show, boot) accepts for ``who``."""
        context = CONTEXTS[who]
        return {name for name, (image, members) in self.images.items()
                if visibility.is_visible(context, image,
                                         members.get(context.project_id))}

    def test_glance_rule_for_show_and_boot(self):
        self.assertEqual({'public', 'community', 'private', 'shared-none',
                          'shared-pending', 'shared-accepted',
                          'shared-rejected', 'private-with-member',
                          'own-community-b'},
                         self.visible('A'))
        self.assertEqual({'public', 'community', 'shared-accepted',
                          'own-community-b', 'ownerless-shared'},
                         self.visible('B'))
        self.assertEqual({'public', 'community', 'own-community-b'},
                         self.visible('C'))
        self.assertEqual({'public', 'community', 'own-community-b'},
                         self.visible('no-project'))
        self.assertEqual({name for name, *_ in IMAGES},
                         self.visible('admin'))

    def test_list_filters(self):
        b = CONTEXTS['B']
        # Default list: no other project's community image.
        self.assertEqual({'public', 'shared-accepted', 'own-community-b',
                          'ownerless-shared'},
                         self.sql_names(b, None, 'accepted'))
        self.assertEqual({'public', 'shared-pending', 'own-community-b'},
                         self.sql_names(b, None, 'pending'))
        self.assertEqual({'shared-accepted', 'shared-pending',
                          'shared-rejected', 'ownerless-shared'},
                         self.sql_names(b, 'shared', 'all'))
        self.assertEqual({'community', 'own-community-b'},
                         self.sql_names(b, 'community', 'accepted'))
        self.assertEqual(set(), self.sql_names(b, 'private', 'all'))
        self.assertEqual({name for name, *_ in IMAGES},
                         self.sql_names(CONTEXTS['admin'], None, 'pending'))

    def test_membership_is_needed_only_for_others_shared_images(self):
        shared = {'visibility': 'shared', 'owner': A}
        self.assertTrue(visibility.needs_membership(CONTEXTS['B'], shared))
        self.assertFalse(visibility.needs_membership(CONTEXTS['A'], shared))
        self.assertFalse(visibility.needs_membership(CONTEXTS['admin'],
                                                     shared))
        self.assertFalse(visibility.needs_membership(
            CONTEXTS['B'], {'visibility': 'private', 'owner': A}))

    def test_unknown_filter_values(self):
        self.assertRaises(ValueError, visibility.sql_filter, CONTEXTS['A'],
                          'bogus')
        self.assertRaises(ValueError, visibility.matches, CONTEXTS['A'],
                          {'visibility': 'public', 'owner': A}, None, None,
                          'bogus')
