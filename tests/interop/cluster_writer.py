# SPDX-License-Identifier: Apache-2.0
"""A raw JSON-RPC controller for a clustered hardware_vtep database: writes
Ucast_Macs_Remote rows MAC 02:00:00:HH:HH:HH for indexes FIRST..FIRST+COUNT-1
into logical switch LS pointing at a locator for IP, BATCH rows per
transaction.  Each row has a uuid derived from its MAC ("uuid" in the insert,
OVS 2.13 and later), so a transaction resent after its fate was lost to a
disconnection either commits or fails with "duplicate uuid" (it had
committed): never lost, never doubled.  On any error the client moves to the
next remote and resends.

usage: cluster_writer.py REMOTES LS IP FIRST COUNT BATCH [SPREAD]
(REMOTES: tcp:IP:PORT,...; SPREAD: pause between batches so that the
writes take at least SPREAD seconds, default 0)"""
import json
import socket
import sys
import time
import uuid

NS = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")


def mac(i):
    return "02:00:00:%02x:%02x:%02x" % (i >> 16 & 255, i >> 8 & 255, i & 255)


class Conn:
    def __init__(self, remote):
        _, host, port = remote.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.buf = ""
        self.decoder = json.JSONDecoder()
        self.next_id = 0

    def call(self, method, params):
        self.next_id += 1
        rid = self.next_id
        self.sock.sendall(json.dumps(
            {"method": method, "params": params, "id": rid}).encode())
        while True:
            msg = self.recv()
            if msg.get("method") == "echo":
                self.sock.sendall(json.dumps(
                    {"result": msg["params"], "error": None,
                     "id": msg["id"]}).encode())
            elif msg.get("id") == rid:
                return msg

    def recv(self):
        while True:
            self.buf = self.buf.lstrip()
            if self.buf:
                try:
                    msg, end = self.decoder.raw_decode(self.buf)
                    self.buf = self.buf[end:]
                    return msg
                except json.JSONDecodeError:
                    pass
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("closed")
            self.buf += data.decode()


def write_batch(conn, ls_uuid, loc, ip, first, n):
    ops = ["hardware_vtep",
           {"op": "select", "table": "Physical_Locator",
            "where": [["_uuid", "==", ["uuid", loc]]], "columns": ["_uuid"]}]
    reply = conn.call("transact", ops)
    if reply.get("error") or reply["result"][0].get("error"):
        raise RuntimeError("select: %s" % reply)
    ops = ["hardware_vtep"]
    if not reply["result"][0]["rows"]:
        ops.append({"op": "insert", "table": "Physical_Locator", "uuid": loc,
                    "row": {"dst_ip": ip,
                            "encapsulation_type": "vxlan_over_ipv4"}})
    for i in range(first, first + n):
        ops.append({"op": "insert", "table": "Ucast_Macs_Remote",
                    "uuid": str(uuid.uuid5(NS, mac(i))),
                    "row": {"MAC": mac(i),
                            "logical_switch": ["uuid", ls_uuid],
                            "locator": ["uuid", loc]}})
    reply = conn.call("transact", ops)
    if reply.get("error"):
        raise RuntimeError(str(reply["error"]))
    for r in reply["result"]:
        if r and r.get("error") == "duplicate uuid":
            return "landed before"
        if r and r.get("error"):
            raise RuntimeError("%s: %s" % (r["error"], r.get("details")))
    return "ok"


def main():
    remotes, ls, ip = sys.argv[1].split(","), sys.argv[2], sys.argv[3]
    first, count, batch = (int(a) for a in sys.argv[4:7])
    spread = float(sys.argv[7]) if len(sys.argv) > 7 else 0.0
    pause = spread / max(1, (count + batch - 1) // batch)
    cur, conn, resends = 0, None, 0
    deadline = time.time() + 300
    i = first
    while i < first + count:
        try:
            if conn is None:
                conn = Conn(remotes[cur])
            reply = conn.call("transact", ["hardware_vtep",
                {"op": "select", "table": "Logical_Switch",
                 "where": [["name", "==", ls]], "columns": ["_uuid"]}])
            rows = reply["result"][0]["rows"]
            if not rows:
                raise RuntimeError("no logical switch %s" % ls)
            ls_uuid = rows[0]["_uuid"][1]
            loc = str(uuid.uuid5(NS, "locator-" + ip))
            n = min(batch, first + count - i)
            write_batch(conn, ls_uuid, loc, ip, i, n)
            i += n
            time.sleep(pause)
        except Exception as e:  # noqa: BLE001 - any failure: next member
            if time.time() > deadline:
                print("giving up: %s" % e, file=sys.stderr)
                return 1
            resends += 1
            conn = None
            cur = (cur + 1) % len(remotes)
            time.sleep(0.1)
    print("resends %d" % resends)
    return 0


if __name__ == "__main__":
    sys.exit(main())
