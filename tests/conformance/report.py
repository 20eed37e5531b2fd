# SPDX-License-Identifier: Apache-2.0
"""The report of a conformance run (see run.sh): one line per case, the
difference for each case where vtepd and ovsdb-server disagree, and the
counts.  Exits 1 if vtepd fails a case that ovsdb-server passes.

usage: report.py OUTDIR"""
import os
import re
import sys


def statuses(path):
    result = {}
    with open(path) as f:
        for line in f:
            num, status = line.split(None, 1)
            result[num] = status.strip()
    return result


def failure_excerpt(outdir, num, limit=40):
    """The part of the failed case's log that shows what differed."""
    top = os.path.join(outdir, "vtepd", "testsuite.dir")
    path = None
    for name in os.listdir(top) if os.path.isdir(top) else []:
        if name.isdigit() and int(name) == int(num):
            path = os.path.join(top, name, "testsuite.log")
    try:
        lines = open(path, errors="replace").read().splitlines()
    except (OSError, TypeError):
        return ["    (no log kept)"]
    # From autotest's diff of what was expected and what came, if there is
    # one, else from the last command it ran.
    start = 0
    for i, line in enumerate(lines):
        if re.match(r"^(\S*\.at:\d+: |--- )", line):
            start = i
    excerpt = lines[start:start + limit]
    if len(lines) - start > limit:
        excerpt.append("...")
    return ["    " + line for line in excerpt]


def main():
    outdir = sys.argv[1]
    titles = {}
    with open(os.path.join(outdir, "list")) as f:
        for line in f:
            num, rest = line.strip().split(":", 1)
            titles[num.strip()] = rest.strip()
    ref = statuses(os.path.join(outdir, "ovsdb-server.status"))
    ours = statuses(os.path.join(outdir, "vtepd.status"))
    counts = {"pass": 0, "differ": 0, "both-fail": 0, "only-ref-fails": 0}
    for num in sorted(ours, key=int):
        title = titles.get(num, num)
        a, b = ref.get(num, "missing"), ours[num]
        if b == "ok" and a == "ok":
            counts["pass"] += 1
            print("PASS: %s" % title)
        elif b == a:
            counts["both-fail"] += 1
            print("SKIP: %s (fails on ovsdb-server as well: %s)" % (title, a))
        elif b == "ok":
            counts["only-ref-fails"] += 1
            print("NOTE: %s (ovsdb-server: %s, vtepd: ok)" % (title, a))
        else:
            counts["differ"] += 1
            print("FAIL: %s (ovsdb-server: %s, vtepd: %s)" % (title, a, b))
            print("\n".join(failure_excerpt(outdir, num)))
    with open(os.path.join(outdir, "skipped")) as f:
        skipped = f.read().splitlines()
    reasons = {}
    for line in skipped:
        reason = line.rsplit(": ", 1)[-1]
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, n in sorted(reasons.items()):
        print("SKIP: %d cases need %s" % (n, reason))
    print("conformance: %d same as ovsdb-server, %d differ, %d fail on both,"
          " %d pass only on vtepd, %d skipped"
          % (counts["pass"], counts["differ"], counts["both-fail"],
             counts["only-ref-fails"], len(skipped)))
    sys.exit(1 if counts["differ"] else 0)


main()
