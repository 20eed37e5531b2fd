# SPDX-License-Identifier: Apache-2.0
"""Times vtepd's HAL catching up with its database.

Usage: hal_poll.py DB-SOCKET CTL N TIMEOUT

Monitors Ucast_Macs_Remote over vtepd's OVSDB socket DB-SOCKET until the
table has N rows or more; from then on asks vtepd's control socket CTL for
"hal/resources" over one connection, every millisecond, until the "fdb"
row counts N entries or more.  Prints both times, "DB HAL" in nanoseconds
since the epoch, and exits 0; exits 1 after TIMEOUT seconds.

The monitor costs vtepd what any monitoring client does, and the polling
starts only when the database is done, so that the measurement loads
vtepd for no longer than the HAL takes to catch up; one connection and no
process per poll keeps the time within about a millisecond, where a shell
loop of ovs-appctl calls would add tens of milliseconds on a loaded
machine.
"""

import json
import socket
import sys
import time


class Connection:
    """A JSON-RPC connection over a Unix socket."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = ""
        self.decoder = json.JSONDecoder()
        self.next_id = 0

    def send(self, method, params):
        self.next_id += 1
        self.sock.sendall(json.dumps({"method": method, "params": params,
                                      "id": self.next_id}).encode())

    def recv(self):
        """Returns the next message, or None if the peer closed."""
        while True:
            self.buf = self.buf.lstrip()
            # A message ends with "}": try to decode only then, not after
            # each of the many reads of a large update.
            if self.buf.rstrip().endswith("}"):
                try:
                    msg, end = self.decoder.raw_decode(self.buf)
                    self.buf = self.buf[end:]
                    return msg
                except ValueError:
                    pass
            data = self.sock.recv(1 << 20)
            if not data:
                return None
            self.buf += data.decode()


def wait_rows(db, n, deadline):
    """Monitors Ucast_Macs_Remote until it has 'n' rows."""
    rows = set()
    db.send("monitor", ["hardware_vtep", None,
                        {"Ucast_Macs_Remote": {"columns": ["MAC"]}}])
    db.sock.settimeout(max(deadline - time.monotonic(), 0.001))
    while len(rows) < n:
        msg = db.recv()
        if msg is None:
            return False
        if msg.get("method") == "echo":
            db.sock.sendall(json.dumps({"result": msg["params"],
                                        "error": None,
                                        "id": msg["id"]}).encode())
            continue
        if msg.get("method") == "update":
            updates = msg["params"][1]
        elif "result" in msg:
            updates = msg["result"] or {}
        else:
            continue
        for uuid, change in updates.get("Ucast_Macs_Remote", {}).items():
            if change.get("new") is not None:
                rows.add(uuid)
            else:
                rows.discard(uuid)
    return True


def fdb_entries(text):
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0] == "fdb":
            return int(fields[1])
    return 0


def main():
    db_path, ctl_path = sys.argv[1], sys.argv[2]
    n, timeout = int(sys.argv[3]), float(sys.argv[4])
    deadline = time.monotonic() + timeout
    db = Connection(db_path)
    ctl = Connection(ctl_path)
    try:
        if not wait_rows(db, n, deadline):
            return 1
    except socket.timeout:
        return 1
    db_done = time.time_ns()
    while time.monotonic() < deadline:
        ctl.send("hal/resources", [])
        reply = ctl.recv()
        if reply is None:
            return 1
        if fdb_entries(reply.get("result") or "") >= n:
            print(db_done, time.time_ns())
            return 0
        time.sleep(0.001)
    return 1


if __name__ == "__main__":
    sys.exit(main())
