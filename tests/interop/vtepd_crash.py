# SPDX-License-Identifier: Apache-2.0
"""Kill -9 campaign against vtepd itself.

A client sends durable transactions (three Logical_Switch rows each) over
vtepd's Unix socket, one at a time, and records each one vtepd
acknowledges.  The driver kills vtepd with SIGKILL at random moments,
restarts it on the same database file, and in the end checks with
'ovsdb-tool query' that every acknowledged transaction is there whole and
that no transaction is there in part.

usage: vtepd_crash.py VTEPD DIR ROUNDS SEED
Prints PASS:/FAIL: lines.
"""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time

ROWS = 3


def txn(k):
    ops = [{"op": "insert", "table": "Logical_Switch",
            "row": {"name": "ls-%d-%d" % (k, i), "tunnel_key": k}}
           for i in range(ROWS)]
    ops.append({"op": "commit", "durable": True})
    return {"method": "transact", "params": ["hardware_vtep"] + ops, "id": k}


def start(vtepd, d):
    sock = os.path.join(d, "db.sock")
    if os.path.exists(sock):
        os.unlink(sock)
    proc = subprocess.Popen([vtepd, "--hal=none", "--remote=punix:" + sock,
                             "--unixctl=" + os.path.join(d, "ctl"),
                             "--log-file=" + os.path.join(d, "log"),
                             os.path.join(d, "vtep.db")],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock)
            return proc, s
        except OSError:
            time.sleep(0.02)
    proc.kill()
    raise SystemExit("FAIL: vtepd did not come up")


def load(s, k, deadline, acked):
    """Sends transactions until 'deadline' or until the socket dies."""
    dec = json.JSONDecoder()
    buf = ""
    s.settimeout(0.5)
    while time.time() < deadline:
        try:
            s.sendall(json.dumps(txn(k)).encode())
            while True:
                try:
                    msg, end = dec.raw_decode(buf)
                    buf = buf[end:].lstrip()
                    break
                except ValueError:
                    data = s.recv(65536)
                    if not data:
                        return k
                    buf += data.decode()
        except OSError:
            return k
        if msg.get("id") == k and isinstance(msg.get("result"), list) \
                and all("error" not in r for r in msg["result"]
                        if isinstance(r, dict)):
            acked.add(k)
        k += 1
    return k


def main():
    vtepd, d, rounds, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4])
    rng = random.Random(seed)
    acked = set()
    k = 1
    for _ in range(rounds):
        proc, s = start(vtepd, d)
        k = load(s, k, time.time() + rng.uniform(0.05, 0.3), acked)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        s.close()
        k += 1
    out = subprocess.run(
        ["ovsdb-tool", "query", os.path.join(d, "vtep.db"),
         json.dumps(["hardware_vtep", {"op": "select",
                                       "table": "Logical_Switch",
                                       "where": [], "columns": ["name"]}])],
        capture_output=True, text=True)
    if out.returncode:
        print("FAIL: ovsdb-tool reads the database after %d kills (%s)"
              % (rounds, out.stderr.strip()))
        return
    print("PASS: ovsdb-tool reads the database after %d kills" % rounds)
    counts = {}
    for row in json.loads(out.stdout)[0]["rows"]:
        t = int(row["name"].split("-")[1])
        counts[t] = counts.get(t, 0) + 1
    lost = sorted(acked - set(counts))
    partial = sorted(t for t, n in counts.items() if n != ROWS)
    if lost:
        print("FAIL: acknowledged transactions lost: %s" % lost[:10])
    else:
        print("PASS: all %d acknowledged durable transactions survived"
              % len(acked))
    if partial:
        print("FAIL: transactions present in part: %s" % partial[:10])
    else:
        print("PASS: no transaction is present in part")
    if not acked:
        print("FAIL: the load got no acknowledgement at all")


main()
