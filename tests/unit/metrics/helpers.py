"""Reading prometheus_client registries in tests, and the label hygiene
rule every exported label value must follow."""
import re

import prometheus_client as prom
from prometheus_client import parser

#: A label value that looks like an instance uuid or a request id is an
#: unbounded label.
UNBOUNDED = re.compile(
    r'[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|'
    r'req-|/v2\.1/[^<]*/[0-9a-f]{8}', re.IGNORECASE)


def samples(text):
    """{(sample name, frozenset of label items): value} of a text
    exposition."""
    result = {}
    for family in parser.text_string_to_metric_families(text):
        for sample in family.samples:
            result[(sample.name, frozenset(sample.labels.items()))] = \
                sample.value
    return result


def registry_samples(registry=prom.REGISTRY):
    return samples(prom.generate_latest(registry).decode())


def value(found, name, **labels):
    """Sum of the samples named ``name`` whose labels include ``labels``."""
    want = set(labels.items())
    return sum(v for (n, items), v in found.items()
               if n == name and want <= items)


def delta(before, after, name, **labels):
    return value(after, name, **labels) - value(before, name, **labels)


def unbounded_labels(found):
    """[(sample name, label, value)] of label values that look like a
    uuid, a request id or a raw server URL."""
    return [(name, key, val) for (name, items) in found
            for key, val in items if UNBOUNDED.search(val)]
