# SPDX-License-Identifier: Apache-2.0
"""A client that watches a database while someone converts it: optionally
calls set_db_change_aware, monitors table A of database "t", signals that
it is ready by creating READY_FILE, then prints one line per message the
server sends (method and params with uuids left out) until the connection
closes (prints "closed") or nothing comes for 3 s (prints "quiet").

usage: convert_watch.py SOCKET aware|unaware READY_FILE"""
import json
import socket
import sys


def messages(sock):
    decoder, buf = json.JSONDecoder(), ""
    while True:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            yield "quiet"
            return
        if not data:
            yield "closed"
            return
        buf += data.decode()
        while buf.strip():
            buf = buf.lstrip()
            try:
                msg, end = decoder.raw_decode(buf)
            except json.JSONDecodeError:
                break
            buf = buf[end:]
            yield msg


def main():
    path, mode, ready = sys.argv[1:4]
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(path)
    sock.settimeout(10)
    requests = []
    if mode == "aware":
        requests.append(("set_db_change_aware", [True]))
    requests.append(("monitor_cond", ["t", "mon",
                                      {"A": [{"columns": ["name"]}]}]))
    for i, (method, params) in enumerate(requests):
        sock.sendall(json.dumps({"id": i, "method": method,
                                 "params": params}).encode())
    stream = messages(sock)
    for _ in requests:
        reply = next(stream)
        if not isinstance(reply, dict) or reply.get("error"):
            print("error:", reply)
            return
    open(ready, "w").close()
    sock.settimeout(3)
    for msg in stream:
        if isinstance(msg, str):
            print(msg)
            return
        if msg.get("method") == "echo":
            sock.sendall(json.dumps({"id": msg["id"], "result": msg["params"],
                                     "error": None}).encode())
            continue
        print(msg.get("method"), json.dumps(msg.get("params")
                                            if msg.get("method")
                                            == "monitor_canceled" else "..."))


main()
