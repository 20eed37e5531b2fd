# SPDX-License-Identifier: Apache-2.0
"""Drives an OVSDB server whose database file lives on a small filesystem
through a full disk: fills the filesystem to all but FREE bytes, inserts
big Logical_Switch rows (durable and not) until well past full, then 40 at
once in one transaction, reads while full, frees the space and inserts
again, all with a monitor
watching on a second connection.  Prints one JSON object:

  acked    names of the rows whose insert was answered with success
  refused  names of the rows whose insert was answered with an error
  errors   the distinct commit errors (the last element of the result)
  durable_refused  how many refused inserts asked for durability
  read_while_full  names a select returned while the disk was full
  big_refused      whether the 40-row transaction failed
  monitor  names the monitor reported inserted (sorted)

usage: full_disk.py SOCKET FILLDIR FREE_BYTES"""
import json
import os
import socket
import sys
import time

ROW_BYTES = 8000
N_FULL = 24
N_AFTER = 4
BIG_ROWS = 40


class Conn:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10.0)
        self.sock.connect(path)
        self.buf = ""
        self.next_id = 1
        self.updates = []

    def _read(self, timeout):
        self.sock.settimeout(timeout)
        data = self.sock.recv(1 << 20)
        if not data:
            raise EOFError("server closed the connection")
        self.buf += data.decode()

    def _messages(self):
        decoder = json.JSONDecoder()
        while True:
            self.buf = self.buf.lstrip()
            if not self.buf:
                return
            try:
                msg, end = decoder.raw_decode(self.buf)
            except json.JSONDecodeError:
                return
            self.buf = self.buf[end:]
            yield msg

    def _handle(self, msg):
        if msg.get("method") == "echo":
            self.send({"id": msg["id"], "result": msg["params"],
                       "error": None})
        elif msg.get("method") == "update":
            self.updates.append(msg["params"][1])
        else:
            return msg
        return None

    def send(self, msg):
        self.sock.sendall(json.dumps(msg).encode())

    def call(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"id": rid, "method": method, "params": params})
        while True:
            for msg in self._messages():
                msg = self._handle(msg)
                if msg is not None and msg.get("id") == rid:
                    return msg
            self._read(10.0)

    def drain(self, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                self._read(max(0.01, deadline - time.time()))
            except socket.timeout:
                break
            for msg in self._messages():
                self._handle(msg)


def fill(path, free):
    """Fills the filesystem holding 'path', then gives back 'free' bytes."""
    with open(path, "wb") as f:
        chunk = b"\0" * 65536
        try:
            while True:
                f.write(chunk)
                f.flush()
        except OSError:
            pass
        size = f.tell()
        try:
            f.write(b"\0" * 4096)
            f.flush()
        except OSError:
            pass
        size = os.fstat(f.fileno()).st_size
        os.ftruncate(f.fileno(), max(0, size - free))


def insert(conn, name, durable):
    return insert_many(conn, [name], durable)


def insert_many(conn, names, durable):
    """Inserts a row named each of 'names' in one transaction; returns the
    error it fails with, or None."""
    ops = ["hardware_vtep"] + [
        {"op": "insert", "table": "Logical_Switch",
         "row": {"name": name, "description": "x" * ROW_BYTES}}
        for name in names]
    if durable:
        ops.append({"op": "commit", "durable": True})
    reply = conn.call("transact", ops)
    if reply.get("error") is not None:
        return reply["error"]
    for r in reply["result"]:
        if isinstance(r, dict) and "error" in r:
            return r
    return None


def names(conn):
    reply = conn.call("transact", ["hardware_vtep", {
        "op": "select", "table": "Logical_Switch", "where": [],
        "columns": ["name"]}])
    return sorted(r["name"] for r in reply["result"][0]["rows"])


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sock, filldir, free = sys.argv[1], sys.argv[2], int(sys.argv[3])
    mon = Conn(sock)
    mon.call("monitor", ["hardware_vtep", None,
                         {"Logical_Switch": {"columns": ["name"]}}])
    txn = Conn(sock)
    out = {"acked": [], "refused": [], "errors": [], "durable_refused": 0}

    fill(os.path.join(filldir, "fill"), free)
    for i in range(N_FULL):
        name = "full-%02d" % i
        durable = i % 2 == 1
        error = insert(txn, name, durable)
        if error is None:
            out["acked"].append(name)
            continue
        out["refused"].append(name)
        out["durable_refused"] += durable
        if error not in out["errors"]:
            out["errors"].append(error)
    # A transaction whose record is big enough to be written in pieces
    # (over 256 kB) fails whole.
    big = ["big-%02d" % i for i in range(BIG_ROWS)]
    error = insert_many(txn, big, False)
    (out["refused"] if error else out["acked"]).extend(big)
    out["big_refused"] = error is not None
    out["read_while_full"] = names(txn)

    os.unlink(os.path.join(filldir, "fill"))
    for i in range(N_AFTER):
        name = "after-%02d" % i
        error = insert(txn, name, i % 2 == 1)
        (out["refused"] if error else out["acked"]).append(name)
        if error and error not in out["errors"]:
            out["errors"].append(error)
    big = ["bigafter-%02d" % i for i in range(BIG_ROWS)]
    error = insert_many(txn, big, True)
    (out["refused"] if error else out["acked"]).extend(big)

    mon.drain(1.0)
    out["monitor"] = sorted(
        row["new"]["name"]
        for update in mon.updates
        for row in update.get("Logical_Switch", {}).values()
        if "new" in row and "old" not in row)
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
