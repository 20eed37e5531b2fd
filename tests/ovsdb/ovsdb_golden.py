#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Golden tests for the vtepd OVSDB engine.

Each tests/ovsdb-golden/NAME.txn holds transactions ("transact" params),
one per line, run in order on a fresh database of the schema its
"# schema:" line names.  NAME.out holds the replies the real ovsdb-tool
gave (regenerate with "ovsdb_golden.py generate DIR"); "ovsdb_golden.py
check ENGINE DIR" runs the engine on every file and compares replies after
normalising UUIDs (numbered by first appearance) and dropping the
"syntax" members; the rows of a select compare as sets unless it has a
"sort"; "details" texts must match word for word, but for the
order of the two rows an index violation describes, which may follow
ovsdb-server's random _version values (a file with an "# index-order:
exact" line compares that order too).  Prints PASS:/FAIL: lines.
"""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile

SCHEMAS = {"vtep": "schema/vtep.ovsschema",
           "difftest": "tests/interop/difftest.ovsschema"}
# OVS's own test schemas (tests/ovsdb-execution.at, tests/idltest.ovsschema).
for _name in ("ordinal", "constraint", "weak", "gc", "immutable", "idltest"):
    SCHEMAS[_name] = "tests/fuzz/schemas/%s.ovsschema" % _name
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                     r"[0-9a-f]{12}")


def read_case(path):
    schema, txns = None, []
    for line in open(path):
        line = line.strip()
        m = re.match(r"#\s*schema:\s*(\S+)", line)
        if m:
            schema = SCHEMAS[m.group(1)]
        elif line and not line.startswith("#"):
            txns.append(line)
    return schema, txns


def exact_index_order(path):
    return any(re.match(r"#\s*index-order:\s*exact", line)
               for line in open(path))


def generate(directory):
    for path in sorted(glob.glob(os.path.join(directory, "*.txn"))):
        schema, txns = read_case(path)
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "db")
            subprocess.run(["ovsdb-tool", "create", db, schema], check=True)
            out = []
            for t in txns:
                p = subprocess.run(["ovsdb-tool", "transact", db, t],
                                   capture_output=True, text=True)
                out.append(p.stdout.strip() or json.dumps(
                    {"ovsdb-tool": p.stderr.strip()}))
        with open(path[:-4] + ".out", "w") as f:
            f.write("\n".join(out) + "\n")
        print("generated", path[:-4] + ".out")


def mask(x):
    return UUID_RE.sub("U", json.dumps(x, sort_keys=True))


EXACT = False


def details(text):
    # Which row loses its last weak reference first follows the order of
    # ovsdb-server's hash table of rows.
    if text.startswith("Deletion of "):
        return UUID_RE.sub("U", text)
    m = re.match(r"(Transaction causes multiple rows .*?\.)  First row, (.*)"
                 r"  Second row, (.*)$", text)
    if m and not EXACT:
        return [m.group(1)] + sorted(UUID_RE.sub("U", m.group(i))
                                     for i in (2, 3))
    return text


def sorted_ops(txn):
    """The indexes, in the reply to 'txn', of the selects with a "sort"."""
    ops = json.loads(txn)[1:] if txn.startswith("[") else []
    return {i for i, op in enumerate(ops)
            if isinstance(op, dict) and op.get("sort")}


def strip(x, keep_order=False):
    if isinstance(x, list):
        return [strip(y) for y in x]
    if isinstance(x, dict):
        out = {k: strip(v) for k, v in x.items()
               if k not in ("details", "syntax", "_version")}
        if isinstance(x.get("details"), str):
            out["details"] = details(x["details"])
        if isinstance(out.get("rows"), list) and not keep_order:
            out["rows"] = sorted(out["rows"], key=mask)
        return out
    if isinstance(x, float) and x == int(x):
        return int(x)
    return x


def strip_reply(reply, txn):
    if not isinstance(reply, list):
        return strip(reply)
    keep = sorted_ops(txn)
    return [strip(r, i in keep) for i, r in enumerate(reply)]


def number_uuids(replies):
    names = {}

    def sub(m):
        return "#%d" % names.setdefault(m.group(0), len(names))
    return [UUID_RE.sub(sub, json.dumps(r, sort_keys=True)) for r in replies]


def check(engine, directory):
    global EXACT
    failures = 0
    for path in sorted(glob.glob(os.path.join(directory, "*.txn"))):
        schema, txns = read_case(path)
        EXACT = exact_index_order(path)
        expected = [json.loads(line) for line in open(path[:-4] + ".out")]
        p = subprocess.run([engine, schema], input="\n".join(txns) + "\n",
                           capture_output=True, text=True)
        actual = [json.loads(line) for line in p.stdout.splitlines()]
        e = number_uuids([strip_reply(x, t) for x, t in zip(expected, txns)])
        a = number_uuids([strip_reply(x, t) for x, t in zip(actual, txns)])
        name = os.path.basename(path)
        for i, t in enumerate(txns):
            if i >= len(a) or a[i] != e[i]:
                failures += 1
                print("FAIL: golden %s line %d\n  txn:  %s\n  want: %s\n"
                      "  got:  %s" % (name, i + 1, t, e[i],
                                      a[i] if i < len(a) else p.stderr))
            else:
                print("PASS: golden %s line %d" % (name, i + 1))
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
