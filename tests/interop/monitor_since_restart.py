# SPDX-License-Identifier: Apache-2.0
"""monitor_cond_since across a restart of vtepd (see docs/ARCHITECTURE.md:
the history is not kept across restarts).  "before": monitors, commits,
and saves the last transaction id it was sent in STATE.  "after" (against
the restarted server): resumes from that id and must get found=false and
the full contents, never a partial update.  Prints "ok: ..." or
"error: ..." lines.

usage: monitor_since_restart.py before|after SOCKET STATE"""
import json
import socket
import sys

ZERO = "00000000-0000-0000-0000-000000000000"
REQ = {"Logical_Switch": {"columns": ["name"]}}


class Client:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.sock.settimeout(5)
        self.buf, self.next_id = "", 0

    def recv(self):
        dec = json.JSONDecoder()
        while True:
            text = self.buf.lstrip()
            try:
                obj, end = dec.raw_decode(text)
                self.buf = text[end:]
                return obj
            except ValueError:
                self.buf += self.sock.recv(65536).decode()

    def call(self, method, params):
        self.next_id += 1
        self.sock.sendall(json.dumps({"method": method, "params": params,
                                      "id": self.next_id}).encode())
        notes = []
        while True:
            msg = self.recv()
            if msg.get("id") == self.next_id:
                return msg, notes
            notes.append(msg)


def check(what, ok):
    print("%s: %s" % ("ok" if ok else "error", what))


def before(c, state):
    c.call("monitor_cond_since", ["hardware_vtep", "m", REQ, ZERO])
    _, notes = c.call("transact", ["hardware_vtep", {
        "op": "insert", "table": "Logical_Switch", "row": {"name": "ls1"}}])
    ids = [n["params"][1] for n in notes if n.get("method") == "update3"]
    check("the commit comes with a transaction id", len(ids) == 1)
    with open(state, "w") as f:
        f.write(ids[-1] if ids else ZERO)


def after(c, state):
    last_id = open(state).read().strip()
    reply, _ = c.call("monitor_cond_since",
                      ["hardware_vtep", "m", REQ, last_id])
    found, _, updates = reply["result"]
    names = sorted(r["initial"]["name"]
                   for r in updates.get("Logical_Switch", {}).values())
    check("after a restart the old id is not found", found is False)
    check("and the client gets the full contents (%s)" % names,
          names == ["ls1", "ls2"])


def main():
    mode, path, state = sys.argv[1:4]
    (before if mode == "before" else after)(Client(path), state)


main()
