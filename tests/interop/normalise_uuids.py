# SPDX-License-Identifier: Apache-2.0
"""Replaces each distinct UUID on stdin by <N>, numbered by first
appearance, so that outputs from two servers can be compared."""
import re
import sys

names = {}


def name(m):
    return names.setdefault(m.group(0), '<%d>' % len(names))


for line in sys.stdin:
    sys.stdout.write(re.sub(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-'
                            r'[0-9a-f]{4}-[0-9a-f]{12}', name, line))
