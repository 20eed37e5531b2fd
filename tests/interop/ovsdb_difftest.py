#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Differential test of the vtepd OVSDB engine against ovsdb-tool.

Generates a seeded random stream of transactions for a schema, runs each
one through the real "ovsdb-tool transact" (on a database made with
"ovsdb-tool create") and the whole stream through vtepd's engine
(build/tests/ovsdb-transact), and compares the replies after normalising
UUIDs.  Error tags and "details" texts must match exactly (but for what
depends on ovsdb-server's hash table order: see normalise_details());
"syntax" texts are not compared.

usage: ovsdb_difftest.py ENGINE SCHEMA SEED N_TXNS [WORKDIR]
Prints one line per mismatch and a summary; exits 1 on any mismatch.
"""

import json
import os
import random
import re
import subprocess
import sys
import tempfile

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}"
                     r"-[0-9a-f]{12}$")
STRINGS = ["", "a", "b", "c", "abcd", "red", "green", "blue", "vxlan_over_ipv4",
           "service_node", "source_node", "10.0.0.1", "00:11:22:33:44:55",
           "ingress", "permit", "x y"]
INTS = [-6, -5, -1, 0, 1, 2, 3, 7, 100, 101, 999, 1000, 4095, 4096]


class Gen:
    def __init__(self, schema, seed):
        self.s = schema
        self.r = random.Random(seed)
        self.known = {t: [] for t in schema["tables"]}
        self.n = 0

    def new_uuid(self):
        self.n += 1
        return "%08x-0000-4000-8000-%012x" % (self.r.getrandbits(32), self.n)

    def pick(self, seq):
        return self.r.choice(seq)

    # Values.
    def atom(self, base, names):
        if isinstance(base, str):
            base = {"type": base}
        t = base["type"]
        r = self.r
        if "enum" in base and r.random() < 0.85:
            e = base["enum"]
            vals = e[1] if isinstance(e, list) and e and e[0] == "set" else [e]
            return self.pick(vals)
        if t == "integer":
            return self.pick(INTS + [base.get("minInteger", 0),
                                     base.get("maxInteger", 0)])
        if t == "real":
            return self.pick([0.5, -1.25, 2.0, 0, 3])
        if t == "boolean":
            return r.random() < 0.5
        if t == "string":
            return self.pick(STRINGS)
        if t == "uuid":
            ref = base.get("refTable")
            x = r.random()
            if names and x < 0.25:
                return ["named-uuid", self.pick(names)]
            if ref and self.known[ref] and x < 0.9:
                return ["uuid", self.pick(self.known[ref])]
            return ["uuid", self.new_uuid()]
        return None

    def datum(self, ctype, names, for_scalar_ok=True):
        if isinstance(ctype, str) or "key" not in ctype:
            return self.atom(ctype, names)
        mn = ctype.get("min", 1)
        mx = ctype.get("max", 1)
        mx = 4 if mx == "unlimited" else mx
        n = self.r.randint(max(0, mn - (self.r.random() < 0.05)),
                           min(mx + (self.r.random() < 0.05), 4))
        if "value" in ctype:
            pairs = [[self.atom(ctype["key"], names),
                      self.atom(ctype["value"], names)] for _ in range(n)]
            return ["map", pairs]
        elems = [self.atom(ctype["key"], names) for _ in range(n)]
        if n == 1 and self.r.random() < 0.5:
            return elems[0]
        return ["set", elems]

    # Operations.
    def columns(self, table):
        # ovsdb-tool rereads the database for every transaction and so
        # forgets ephemeral columns: leave them alone.
        cols = self.s["tables"][table]["columns"]
        return [c for c in cols if not cols[c].get("ephemeral")]

    def ctype(self, table, col):
        return self.s["tables"][table]["columns"][col]["type"]

    def row(self, table, names, partial=True):
        cols = self.columns(table)
        k = self.r.randint(0 if partial else len(cols), len(cols))
        row = {}
        for c in self.r.sample(cols, k):
            row[c] = self.datum(self.ctype(table, c), names)
        if self.r.random() < 0.03:
            row["no_such_column"] = 1
        return row

    def where(self, table, names):
        r = self.r
        x = r.random()
        if x < 0.15:
            return []
        if x < 0.45 and self.known[table]:
            return [["_uuid", "==", ["uuid", self.pick(self.known[table])]]]
        clauses = []
        for _ in range(r.randint(1, 2)):
            if r.random() < 0.05:
                clauses.append(r.random() < 0.5)
                continue
            c = self.pick(self.columns(table))
            t = self.ctype(table, c)
            f = self.pick(["==", "!=", "includes", "excludes", "<", "<=",
                           ">", ">="] if r.random() < 0.2 else
                          ["==", "!=", "includes", "excludes"])
            clauses.append([c, f, self.datum(t, names)])
        return clauses

    def mutation(self, table, names):
        c = self.pick(self.columns(table))
        t = self.ctype(table, c)
        m = self.pick(["+=", "-=", "*=", "/=", "%=", "insert", "delete",
                       "insert", "delete"])
        if m in ("insert", "delete"):
            arg = self.datum(t, names)
            if m == "delete" and isinstance(t, dict) and "value" in t \
                    and self.r.random() < 0.5:
                arg = ["set", [self.atom(t["key"], names)]]
        else:
            base = t if isinstance(t, str) else t["key"]
            # Not "*= 0": ovsdb-tool 3.1 dies of SIGFPE on some of those.
            arg = self.pick([0, 1, 2, -3, 1000, 4611686018427387904, 0.5])
            if m == "*=" and arg == 0:
                arg = 3
            if isinstance(base, (str, dict)) and (
                    base == "real" or (isinstance(base, dict)
                                       and base.get("type") == "real")):
                arg = self.pick([0, 1.5, -2.0, 0.0])
        return [c, m, arg]

    def op(self, names):
        r = self.r
        table = self.pick([t for t in self.s["tables"] if self.columns(t)])
        kind = self.pick(["insert"] * 6 + ["select"] * 2 + ["update"] * 3 +
                         ["mutate"] * 3 + ["delete"] * 2 + ["wait", "comment",
                                                            "commit"] +
                         ["abort", "assert", "bogus"] * (r.random() < 0.1))
        if kind == "insert":
            op = {"op": "insert", "table": table, "row": self.row(table, names)}
            if r.random() < 0.7:
                u = self.new_uuid()
                if r.random() < 0.05 and self.known[table]:
                    u = self.pick(self.known[table])
                op["uuid"] = u
                self.known[table].append(u)
            if r.random() < 0.4:
                name = "n%d" % r.randint(0, 3)
                op["uuid-name"] = name
                names.append(name)
            return op
        if kind == "select":
            op = {"op": "select", "table": table,
                  "where": self.where(table, names)}
            if r.random() < 0.5:
                op["columns"] = r.sample(self.columns(table),
                                         r.randint(1, len(self.columns(table))))
            if r.random() < 0.3:
                # Open vSwitch's "sort" (rows compare as sets here; the
                # golden tests check their order), sometimes malformed.
                cols = self.columns(table) + ["_uuid", "_version"]
                op["sort"] = r.sample(cols, r.randint(0, min(3, len(cols))))
                if r.random() < 0.1:
                    op["sort"].append(self.pick(op["sort"] + ["nope", 1]))
            return op
        if kind == "update":
            row = self.row(table, names)
            return {"op": "update", "table": table,
                    "where": self.where(table, names), "row": row}
        if kind == "mutate":
            return {"op": "mutate", "table": table,
                    "where": self.where(table, names),
                    "mutations": [self.mutation(table, names)
                                  for _ in range(r.randint(1, 2))]}
        if kind == "delete":
            return {"op": "delete", "table": table,
                    "where": self.where(table, names)}
        if kind == "wait":
            cols = r.sample(self.columns(table), 1)
            rows = [] if r.random() < 0.6 else [
                {c: self.datum(self.ctype(table, c), names) for c in cols}]
            return {"op": "wait", "table": table,
                    "where": self.where(table, names), "columns": cols,
                    "until": self.pick(["==", "!="]), "rows": rows,
                    "timeout": 0}
        if kind == "comment":
            return {"op": "comment", "comment": "c%d" % r.randint(0, 9)}
        if kind == "commit":
            return {"op": "commit", "durable": r.random() < 0.5}
        if kind == "abort":
            return {"op": "abort"}
        if kind == "assert":
            return {"op": "assert", "lock": "l"}
        return {"op": "bogus", "table": table}

    def txn(self):
        names = []
        ops = [self.op(names) for _ in range(self.r.randint(1, 4))]
        return [self.s["name"]] + ops


UUID_TEXT_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                          r"[0-9a-f]{4}-[0-9a-f]{12}")


def normalise_details(error, known):
    """The "details" text of an error, to be compared word for word, but
    for what depends on the order of ovsdb-server's hash tables: which of
    several dangling references a referential integrity violation names,
    which row a deletion of weak references empties first, and which two
    rows an index violation describes when more than two
    collide (tests/ovsdb-golden compares those sentences in full)."""
    if error.get("error") == "referential integrity violation":
        return "*"
    if error["details"].startswith("Deletion of "):
        # Which row lost its last weak reference first: hash order too.
        return UUID_TEXT_RE.sub("*", error["details"])
    text = UUID_TEXT_RE.sub(
        lambda m: m.group(0) if m.group(0) in known else "*",
        error["details"])
    m = re.match(r"(Transaction causes multiple rows .*?\.)  First row", text)
    return m.group(1) if m else text


def normalise(reply, known):
    """Replaces UUIDs the generator did not choose by a placeholder, drops
    texts that may differ, and sorts select results."""
    if isinstance(reply, list):
        if len(reply) == 2 and reply[0] == "uuid" and isinstance(reply[1], str):
            return ["uuid", reply[1] if reply[1] in known else "*"]
        return [normalise(x, known) for x in reply]
    if isinstance(reply, dict):
        out = {k: normalise(v, known) for k, v in reply.items()
               if k not in ("details", "syntax")}
        if isinstance(reply.get("details"), str):
            out["details"] = normalise_details(reply, known)
        if "rows" in out and isinstance(out["rows"], list):
            out["rows"] = sorted(out["rows"],
                                 key=lambda x: json.dumps(x, sort_keys=True))
        return out
    if isinstance(reply, float) and reply == int(reply):
        return int(reply)
    return reply


def main():
    engine, schema_path, seed, n = sys.argv[1:5]
    seed, n = int(seed), int(n)
    workdir = sys.argv[5] if len(sys.argv) > 5 else tempfile.mkdtemp()
    schema = json.load(open(schema_path))
    gen = Gen(schema, seed)
    txns = [gen.txn() for _ in range(n)]
    known = set()
    for t in gen.known.values():
        known.update(t)

    db = os.path.join(workdir, "diff-%d.db" % seed)
    if os.path.exists(db):
        os.unlink(db)
    subprocess.run(["ovsdb-tool", "create", db, schema_path], check=True)
    expected = []
    for t in txns:
        p = subprocess.run(["ovsdb-tool", "transact", db, json.dumps(t)],
                           capture_output=True, text=True)
        out = p.stdout.strip()
        if not out:
            # ovsdb-tool could not reread its own database: an upstream bug
            # (e.g. a logged diff that violates the column's max size).
            print("ovsdb-tool failed at txn %d (status %d): %s %s"
                  % (len(expected), p.returncode, p.stderr.strip(),
                     json.dumps(t)))
            return 1
        expected.append(json.loads(out))

    p = subprocess.run([engine, schema_path], input="".join(
        json.dumps(t) + "\n" for t in txns), capture_output=True, text=True)
    actual = [json.loads(line) for line in p.stdout.splitlines()]
    if p.returncode != 0 or len(actual) != len(txns):
        print("engine failed (rc %d): %s" % (p.returncode, p.stderr[-500:]))
        return 1

    bad = 0
    for i, (t, e, a) in enumerate(zip(txns, expected, actual)):
        if normalise(e, known) != normalise(a, known):
            bad += 1
            if bad <= 5:
                print("MISMATCH seed %d txn %d:\n  txn:  %s\n  tool: %s\n"
                      "  vtep: %s" % (seed, i, json.dumps(t), json.dumps(e),
                                      json.dumps(a)))
    print("%s seed %d: %d transactions, %d mismatches"
          % (schema["name"], seed, n, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
