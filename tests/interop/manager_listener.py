#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A controller stand-in for tests of Manager targets: listens on
127.0.0.1, waits for the OVSDB server to dial in, and talks to it over the
inbound connection the way a controller does.

Prints "port N" once listening, then one line per event, each ending in a
monotonic timestamp: "accept T", "list_dbs DB,DB T", "transact ok T",
"lock ok T", "echo T" (an inactivity probe arrived), "closed T".

Options: --port N (bind N instead of a free port), --drop (close each
connection at once), --no-echo (never answer probes), --lock NAME (queue
for the lock NAME after connecting), --steal NAME (steal it instead), --tls CERT KEY CA (speak TLS, requiring a
client certificate signed by CA)."""

import argparse
import json
import socket
import ssl
import sys
import time

MAX_BUFFER = 1 << 20


def log(*words):
    print(*words, "%.3f" % time.monotonic(), flush=True)


def send(conn, msg):
    conn.sendall(json.dumps(msg).encode())


def messages(conn):
    """Yields the JSON values that arrive on 'conn' until it closes."""
    decoder = json.JSONDecoder()
    buf = ""
    while True:
        try:
            data = conn.recv(65536)
        except (ConnectionError, ssl.SSLError):
            return
        if not data:
            return
        buf += data.decode()
        if len(buf) > MAX_BUFFER:
            return
        while buf.strip():
            try:
                msg, end = decoder.raw_decode(buf.lstrip())
            except ValueError:
                break
            buf = buf.lstrip()[end:]
            yield msg


def serve(conn, args):
    send(conn, {"method": "list_dbs", "params": [], "id": "list_dbs"})
    send(conn, {"method": "transact", "id": "transact",
                "params": ["hardware_vtep",
                           {"op": "select", "table": "Manager",
                            "where": [], "columns": ["target"]}]})
    if args.lock or args.steal:
        send(conn, {"method": "steal" if args.steal else "lock",
                    "params": [args.steal or args.lock], "id": "lock"})
    for msg in messages(conn):
        if msg.get("method") == "echo":
            log("echo")
            if not args.no_echo:
                send(conn, {"result": msg["params"], "error": None,
                            "id": msg["id"]})
        elif msg.get("id") == "list_dbs" and msg.get("result") is not None:
            log("list_dbs", ",".join(sorted(msg["result"])))
        elif msg.get("id") == "transact":
            result = msg.get("result") or [{"error": "none"}]
            log("transact", "error" if "error" in result[0] else "ok")
        elif msg.get("id") == "lock":
            locked = (msg.get("result") or {}).get("locked")
            log("lock", "ok" if locked else "queued")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--drop", action="store_true")
    ap.add_argument("--no-echo", action="store_true")
    ap.add_argument("--lock")
    ap.add_argument("--steal")
    ap.add_argument("--tls", nargs=3, metavar=("CERT", "KEY", "CA"))
    args = ap.parse_args()

    context = None
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls[0], args.tls[1])
        context.load_verify_locations(args.tls[2])
        context.verify_mode = ssl.CERT_REQUIRED

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(8)
    print("port", listener.getsockname()[1], flush=True)
    while True:
        conn, _ = listener.accept()
        log("accept")
        try:
            if context:
                conn = context.wrap_socket(conn, server_side=True)
            if not args.drop:
                serve(conn, args)
        except (ConnectionError, ssl.SSLError, OSError) as e:
            log("error", type(e).__name__)
        conn.close()
        log("closed")


if __name__ == "__main__":
    sys.exit(main())
