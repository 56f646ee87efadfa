"""The sample config and policy in etc/nova_lite are generated from the
code (tox -e genconfig); this checks they are not stale."""
import configparser
import os

import testtools
import yaml

from nova_lite.conf import opts as conf_opts
from nova_lite import policies

ETC = os.path.join(os.path.dirname(__file__), '..', '..', 'etc', 'nova_lite')


def _sample_options(path):
    """{group: {option names}} of the commented sample config."""
    options = {}
    group = None
    with open(path) as sample:
        for line in sample:
            line = line.strip()
            if line.startswith('[') and line.endswith(']'):
                group = line[1:-1]
                options.setdefault(group, set())
            elif group and line.startswith('#') and '=' in line and \
                    not line.startswith('# '):
                options[group].add(line[1:].split('=', 1)[0].strip())
    return options


class TestSamples(testtools.TestCase):

    def test_config_sample_has_every_option(self):
        sample = _sample_options(os.path.join(ETC, 'nova_lite.conf.sample'))
        missing = []
        for group, opts in conf_opts.list_opts():
            name = getattr(group, 'name', group) or 'DEFAULT'
            for opt in opts:
                if opt.dest not in sample.get(name, set()):
                    missing.append('[%s] %s' % (name, opt.dest))
        self.assertEqual([], missing, 'run: tox -e genconfig')

    def test_policy_sample_has_every_rule(self):
        with open(os.path.join(ETC, 'policy.yaml.sample')) as sample:
            text = sample.read()
        rule_lines = [line[1:] for line in text.splitlines()
                      if line.startswith('#"')]
        rules = yaml.safe_load('\n'.join(rule_lines)) or {}
        names = {rule.name for rule in policies.list_rules()}
        self.assertEqual(set(), names - set(rules), 'run: tox -e genconfig')

    def test_sample_parses(self):
        parser = configparser.ConfigParser(strict=False)
        parser.read(os.path.join(ETC, 'nova_lite.conf.sample'))
        self.assertIn('database', parser.sections())
