"""How ``nova_lite.api.wsgi.build_app`` wires the two APIs: one
``nova_lite.compute.api.API`` for both, and no import of the app module
by the CloudStack package (what both need is in ``nova_lite.api.faults``).
"""
import ast
import os

import fixtures
import testtools

from nova_lite.api import cloudstack
from nova_lite.api import wsgi
from nova_lite.compute import api as compute_api
from tests.unit.api import fakes


class SharedComputeAPITest(testtools.TestCase):

    def test_one_compute_api_for_both_apps(self):
        self.useFixture(fakes.APIFixture())
        made = []

        class Counting(compute_api.API):
            def __init__(self):
                super().__init__()
                made.append(self)

        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.compute.api.API', Counting))
        wsgi.build_app(fakes.CONF)
        self.assertEqual(1, len(made))


class NoCycleTest(testtools.TestCase):

    def test_cloudstack_does_not_import_the_app_module(self):
        package = os.path.dirname(cloudstack.__file__)
        for folder, _dirs, files in os.walk(package):
            for name in files:
                if not name.endswith('.py'):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding='utf-8') as source:
                    tree = ast.parse(source.read(), path)
                for node in ast.walk(tree):
                    if isinstance(node, ast.ImportFrom):
                        names = ['%s.%s' % (node.module, a.name)
                                 for a in node.names]
                    elif isinstance(node, ast.Import):
                        names = [a.name for a in node.names]
                    else:
                        continue
                    self.assertNotIn('nova_lite.api.wsgi', names, path)
