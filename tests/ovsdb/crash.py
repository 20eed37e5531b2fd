# SPDX-License-Identifier: Apache-2.0
"""Kill -9 campaign for the vtepd database store.

Runs ovsdb-store-tool on one database file under a durable write load,
kills it with SIGKILL at random moments, restarts it on the same file, and
finally checks that every acknowledged transaction is there whole and that
no transaction is there in part.

usage: crash.py TOOL DB ROUNDS SEED
Every 300 transactions the tool is also asked to compact, so that some
kills land in the middle of a compaction.  Prints PASS:/FAIL: lines.
"""
import json
import random
import signal
import subprocess
import sys
import threading
import time

ROWS_PER_TXN = 3


def txn(k):
    ops = [{"op": "insert", "table": "Logical_Switch",
            "row": {"name": "ls-%d-%d" % (k, i), "tunnel_key": k,
                    "description": "txn %d" % k}}
           for i in range(ROWS_PER_TXN)]
    ops.append({"op": "commit", "durable": True})
    return json.dumps(["hardware_vtep"] + ops)


def run_round(tool, db, first_k, rng, acked):
    proc = subprocess.Popen([tool, "--compact-min=40000", db, "run"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    sent = []

    def writer():
        k = first_k
        try:
            while True:
                proc.stdin.write((txn(k) + "\n").encode())
                proc.stdin.flush()
                sent.append(k)
                k += 1
                if len(sent) % 300 == 0:
                    # Compactions under load, so that some kills land in
                    # the middle of one.
                    proc.stdin.write(b"compact\n")
                    sent.append(None)
                if len(sent) % 8 == 0:
                    time.sleep(0.002)
        except (BrokenPipeError, ValueError, OSError):
            pass

    def reader():
        for line in proc.stdout:
            words = line.decode().split(" ", 2)
            if words[0] == "ok" and "error" not in words[2]:
                acked.add(sent[int(words[1]) - 1])
            elif words[0] not in ("ok", "compacted", "stats"):
                print("FAIL: unexpected output %r" % line)

    w = threading.Thread(target=writer)
    r = threading.Thread(target=reader)
    w.start()
    r.start()
    time.sleep(rng.uniform(0.02, 0.25))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    r.join()
    try:
        proc.stdin.close()
    except OSError:
        pass
    w.join()
    return first_k + len([k for k in sent if k is not None])


def rows_by_txn(output):
    reply = json.loads(output)
    by_k = {}
    for row in reply[0]["rows"]:
        k = row["tunnel_key"]
        by_k.setdefault(k, []).append(row["name"])
    return {k: sorted(names) for k, names in by_k.items()}


def main():
    tool, db, rounds, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4])
    rng = random.Random(seed)
    acked = set()
    k = 1
    failures = 0
    for _ in range(rounds):
        k = run_round(tool, db, k, rng, acked)

    query = json.dumps(["hardware_vtep",
                        {"op": "select", "table": "Logical_Switch",
                         "where": [], "columns": ["name", "tunnel_key"]}])
    ours = subprocess.run([tool, db, "query", query], capture_output=True)
    if ours.returncode:
        print("FAIL: store reopens after %d kills (%s)"
              % (rounds, ours.stderr.decode().strip()))
        return 1
    by_k = rows_by_txn(ours.stdout)
    missing = sorted(acked - set(by_k))
    partial = sorted(k for k, names in by_k.items()
                     if len(names) != ROWS_PER_TXN)
    print("%d transactions sent, %d acknowledged, %d present"
          % (k - 1, len(acked), len(by_k)))
    if acked and not missing:
        print("PASS: every acknowledged transaction survived %d kill -9"
              % rounds)
    else:
        print("FAIL: acknowledged transactions lost: %s" % missing[:10])
        failures += 1
    if not partial:
        print("PASS: no transaction is present in part")
    else:
        print("FAIL: partial transactions: %s" % partial[:10])
        failures += 1

    theirs = subprocess.run(["ovsdb-tool", "query", db, query],
                            capture_output=True)
    if theirs.returncode == 0 and rows_by_txn(theirs.stdout) == by_k:
        print("PASS: ovsdb-tool query reads the same rows after the kills")
    else:
        print("FAIL: ovsdb-tool query after the kills: %s"
              % theirs.stderr.decode().strip())
        failures += 1
    log = subprocess.run(["ovsdb-tool", "show-log", db], capture_output=True)
    if log.returncode == 0:
        print("PASS: ovsdb-tool show-log reads the file after the kills")
    else:
        print("FAIL: ovsdb-tool show-log: %s" % log.stderr.decode().strip())
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
