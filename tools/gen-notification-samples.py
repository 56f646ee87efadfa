#!/usr/bin/env python3
"""Write doc/notification_samples/<event_type>.json from the payload code
(``nova_lite.notifications.samples``); run after changing a payload.

Usage: tools/gen-notification-samples.py [output directory]
"""
import json
import os
import sys

import nova_lite.conf  # noqa: F401 - registers [notifications]
from nova_lite.notifications import samples

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def dump(sample):
    """The JSON text of a sample, as the files hold it."""
    return json.dumps(sample, indent=4, sort_keys=True, default=str) + '\n'


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.join(
        ROOT, 'doc', 'notification_samples')
    os.makedirs(out, exist_ok=True)
    for event_type, sample in sorted(samples.samples().items()):
        with open(os.path.join(out, event_type + '.json'), 'w') as f:
            f.write(dump(sample))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
